using System.Diagnostics.Metrics;
using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Secrets.Client.Aws;
using Secrets.Client.Azure;
using Secrets.Client.Doppler;
using Secrets.Client.Gcp;
using Secrets.Client.Local;
using Secrets.Client.OnePassword;
using Secrets.Client.Vault;

namespace Secrets.Client.Adapters.Tests.Template;

/// <summary>Holds every adapter to the template written down in docs/adapters.md, by reflection.</summary>
public sealed class AdapterTemplateTests
{
    /// <summary>Every adapter: provider type, its DI method, and whether it speaks HTTP.</summary>
    public static TheoryData<Type, string, bool> Adapters => new()
    {
        { typeof(AwsSecretsManagerSecretProvider), "AddAwsSecretsManager", true },
        { typeof(AzureKeyVaultSecretProvider), "AddAzureKeyVault", false },
        { typeof(GcpSecretManagerSecretProvider), "AddGcpSecretManager", true },
        { typeof(HashiCorpVaultSecretProvider), "AddHashiCorpVault", true },
        { typeof(DotEnvSecretProvider), "AddDotEnv", false },
        { typeof(EnvironmentVariablesSecretProvider), "AddEnvironmentVariables", false },
        { typeof(KeyPerFileSecretProvider), "AddKeyPerFile", false },
        { typeof(DirenvSecretProvider), "AddDirenv", false },
        { typeof(OnePasswordSecretProvider), "AddOnePassword", true },
        { typeof(DopplerSecretProvider), "AddDoppler", true },
    };

    [Fact]
    public void Every_provider_in_the_packages_is_listed_here()
    {
        var listed = Adapters.Select(row => (Type)row[0]).ToHashSet();
        var found = listed.Select(t => t.Assembly).Distinct()
            .SelectMany(a => a.GetExportedTypes())
            .Where(t => t.IsSubclassOf(typeof(SecretProvider)) && !t.IsAbstract);

        Assert.All(found, t => Assert.Contains(t, listed));
    }

    [Theory]
    [MemberData(nameof(Adapters))]
    public void Names_follow_Backend_SecretProvider_and_Backend_SecretProviderOptions(Type provider, string method, bool http)
    {
        _ = method;
        _ = http;
        var options = OptionsType(provider);

        Assert.EndsWith("SecretProvider", provider.Name, StringComparison.Ordinal);
        Assert.Equal(provider.Name + "Options", options.Name);
        Assert.Equal(provider.Namespace, options.Namespace);
        Assert.True(options.IsSubclassOf(typeof(SecretProviderOptions)));
        Assert.NotNull(options.GetConstructor(Type.EmptyTypes));
    }

    [Theory]
    [MemberData(nameof(Adapters))]
    public void The_default_name_is_a_DefaultName_constant_that_is_a_valid_scheme(Type provider, string method, bool http)
    {
        _ = method;
        _ = http;
        var field = provider.GetField("DefaultName", BindingFlags.Public | BindingFlags.Static);

        Assert.NotNull(field);
        Assert.True(field.IsLiteral);
        var name = Assert.IsType<string>(field.GetRawConstantValue());
        Assert.True(SecretReference.TryGetProvider(name + "://x", out var normalized));
        Assert.Equal(name, normalized);
        Assert.Null(provider.GetField("ProviderName", BindingFlags.Public | BindingFlags.Static));
    }

    [Theory]
    [MemberData(nameof(Adapters))]
    public void One_public_constructor_takes_options_logger_factory_and_meter_factory(Type provider, string method, bool http)
    {
        _ = method;
        _ = http;
        var constructor = Assert.Single(provider.GetConstructors());
        var parameters = constructor.GetParameters();

        Assert.Equal([OptionsType(provider), typeof(ILoggerFactory), typeof(IMeterFactory)], parameters.Select(p => p.ParameterType));
        Assert.Equal(["options", "loggerFactory", "meterFactory"], parameters.Select(p => p.Name));
        Assert.False(parameters[0].IsOptional);
        Assert.True(parameters[1].IsOptional && parameters[2].IsOptional);
        if (!provider.IsSealed)
        {
            // Mockable, as the Azure SDK guidelines ask of clients.
            var mock = provider.GetConstructor(BindingFlags.NonPublic | BindingFlags.Instance, Type.EmptyTypes);
            Assert.True(mock is { IsFamily: true }, $"{provider.Name} needs a protected parameterless constructor for mocking.");
        }
    }

    [Theory]
    [MemberData(nameof(Adapters))]
    public void Shared_settings_come_from_the_options_base_only(Type provider, string method, bool http)
    {
        _ = method;
        var options = OptionsType(provider);
        var declared = AllDeclaredProperties(options);
        string[] shared = [.. typeof(SecretProviderOptions).GetProperties().Select(p => p.Name)];
        string[] retired = ["ServiceUrl", "Address", "HttpClient", "HttpMessageHandler", "MaxBatchConcurrency", "ManagedIdentityClientId"];

        Assert.All(declared, p => Assert.DoesNotContain(p.Name, shared));
        Assert.All(declared, p => Assert.DoesNotContain(p.Name, retired));
        Assert.All(declared, p => Assert.False(
            p.PropertyType == typeof(TimeProvider) || typeof(HttpMessageHandler).IsAssignableFrom(p.PropertyType) || p.PropertyType == typeof(HttpClient),
            $"{options.Name}.{p.Name}: clock and transport hooks live in SecretProviderOptions."));
        if (http)
        {
            var endpoint = options.GetProperty("Endpoint");
            Assert.True(endpoint?.PropertyType == typeof(Uri), $"{options.Name} needs Uri? Endpoint, as every HTTP adapter has.");
        }
    }

    [Theory]
    [MemberData(nameof(Adapters))]
    public void The_DI_extension_has_the_four_shapes(Type provider, string method, bool http)
    {
        _ = http;
        var options = OptionsType(provider);
        var methods = provider.Assembly.GetExportedTypes()
            .Where(t => t.IsAbstract && t.IsSealed && t.Namespace == "Microsoft.Extensions.DependencyInjection")
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Static))
            .Where(m => m.Name == method)
            .Select(m => m.GetParameters().Select(p => p.ParameterType).ToArray())
            .ToList();
        Type[][] expected =
        [
            [typeof(SecretStoreBuilder)],
            [typeof(SecretStoreBuilder), typeof(Action<>).MakeGenericType(options)],
            [typeof(SecretStoreBuilder), typeof(string), typeof(Action<>).MakeGenericType(options)],
            [typeof(SecretStoreBuilder), typeof(string), typeof(IConfiguration)],
        ];

        Assert.All(expected, shape => Assert.Contains(methods, m => m.SequenceEqual(shape)));
    }

    [Theory]
    [MemberData(nameof(Adapters))]
    public void Options_bind_from_a_configuration_section_under_a_name(Type provider, string method, bool http)
    {
        _ = http;
        var section = new Dictionary<string, string?>
        {
            ["Secrets:Named:Environment"] = "Development",
            ["Secrets:Named:MaxConcurrentRequests"] = "3",
            ["Secrets:Named:AllowedEnvironments:0"] = "Development",
            ["Secrets:Named:Resilience:MaxRetryAttempts"] = "1",
            ["Secrets:Named:CacheDuration"] = "00:02:00",
            // Adapter settings each needs to start: harmless for the others, which ignore unknown keys.
            ["Secrets:Named:Region"] = "eu-west-1",
            ["Secrets:Named:Endpoint"] = provider == typeof(AzureKeyVaultSecretProvider) ? null : "http://127.0.0.1:1/",
            ["Secrets:Named:Role"] = "app",
            ["Secrets:Named:Optional"] = "true",
            ["Secrets:Named:Path"] = Path.Combine(Path.GetTempPath(), "no-such-" + Guid.NewGuid().ToString("N") + ".env"),
            ["Secrets:Named:DirectoryPath"] = Path.Combine(Path.GetTempPath(), "no-such-" + Guid.NewGuid().ToString("N")),
        };
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(section).Build();
        var services = new ServiceCollection();
        var add = provider.Assembly.GetExportedTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Static))
            .Single(m => m.Name == method && m.GetParameters().Select(p => p.ParameterType).SequenceEqual([typeof(SecretStoreBuilder), typeof(string), typeof(IConfiguration)]));

        services.AddSecretStore(b => add.Invoke(null, [b, "named", configuration.GetSection("Secrets:Named")]), o => o.Environment = "Development");
        using var container = services.BuildServiceProvider();
        var store = container.GetRequiredService<SecretStore>();
        var built = Assert.Single(store.Providers);

        Assert.IsType(provider, built);
        Assert.Equal("named", built.Name);
        Assert.Equal(3, built.Options.MaxConcurrentRequests);
        Assert.Equal(["Development"], built.Options.AllowedEnvironments);
        Assert.Equal(1, built.Options.Resilience.MaxRetryAttempts);
        Assert.Equal(TimeSpan.FromMinutes(2), built.Options.CacheDuration);
        Assert.Equal("Development", built.Options.Environment);
    }

    [Theory]
    [MemberData(nameof(Adapters))]
    public void Options_are_validated_once_with_one_error_naming_the_provider_and_setting(Type provider, string method, bool http)
    {
        _ = method;
        _ = http;
        var options = (SecretProviderOptions)Activator.CreateInstance(OptionsType(provider))!;
        options.Name = "broken";
        options.MaxConcurrentRequests = 0;

        var error = Assert.Throws<TargetInvocationException>(() => Activator.CreateInstance(provider, options, null, null)).InnerException;

        var validation = Assert.IsType<Microsoft.Extensions.Options.OptionsValidationException>(error);
        Assert.Contains(validation.Failures, f => f.Contains("'broken'", StringComparison.Ordinal) && f.Contains("MaxConcurrentRequests", StringComparison.Ordinal));
    }

    private static Type OptionsType(Type provider) =>
        provider.GetConstructors().SelectMany(c => c.GetParameters()).Select(p => p.ParameterType).First(t => t.IsSubclassOf(typeof(SecretProviderOptions)));

    private static IEnumerable<PropertyInfo> AllDeclaredProperties(Type options)
    {
        for (var type = options; type is not null && type != typeof(SecretProviderOptions); type = type.BaseType)
        {
            // An override of a base member (RefusedInProduction) is the base's setting answered by the adapter, not a new one.
            foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
                .Where(p => p.GetMethod?.GetBaseDefinition().DeclaringType == p.DeclaringType))
            {
                yield return property;
            }
        }
    }
}
