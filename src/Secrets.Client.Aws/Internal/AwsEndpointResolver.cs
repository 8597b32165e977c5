using System.Net;
using Amazon;
using Amazon.Runtime;

namespace Secrets.Client.Aws;

/// <summary>Works out the region and the Secrets Manager endpoint from the options, the environment and the AWS SDK's region chain.</summary>
internal static class AwsEndpointResolver
{
    public static RegionEndpoint ResolveRegion(AwsSecretsManagerSecretProviderOptions options)
    {
        if (!string.IsNullOrWhiteSpace(options.Region))
        {
            return RegionEndpoint.GetBySystemName(options.Region.Trim());
        }

        return FallbackRegionFactory.GetRegionEndpoint()
            ?? throw new InvalidOperationException("No AWS region is configured: set AwsSecretsManagerSecretProviderOptions.Region, AWS_REGION, or a region in the shared AWS config profile.");
    }

    public static Uri ResolveServiceUrl(AwsSecretsManagerSecretProviderOptions options, RegionEndpoint region)
    {
        if (options.Endpoint is { } configured)
        {
            return Validate(configured, nameof(AwsSecretsManagerSecretProviderOptions.Endpoint));
        }

        if (!IsTrue(Environment.GetEnvironmentVariable("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")))
        {
            foreach (var variable in (string[])["AWS_ENDPOINT_URL_SECRETS_MANAGER", "AWS_ENDPOINT_URL"])
            {
                if (Environment.GetEnvironmentVariable(variable) is { Length: > 0 } text)
                {
                    return Uri.TryCreate(text, UriKind.Absolute, out var fromEnvironment)
                        ? Validate(fromEnvironment, variable)
                        : throw new ArgumentException($"{variable} is not an absolute URL.");
                }
            }
        }

        var fips = options.UseFips || IsTrue(Environment.GetEnvironmentVariable("AWS_USE_FIPS_ENDPOINT"));
        var suffix = string.IsNullOrEmpty(region.PartitionDnsSuffix) ? "amazonaws.com" : region.PartitionDnsSuffix;
        return new Uri($"https://secretsmanager{(fips ? "-fips" : string.Empty)}.{region.SystemName}.{suffix}/");
    }

    public static Uri ValidateAgent(Uri endpoint) => Validate(endpoint, nameof(AwsSecretsManagerSecretProviderOptions.AgentEndpoint));

    /// <summary>Refuses plain HTTP except to loopback: a bearer signature or agent token must not cross a network in clear.</summary>
    public static Uri Validate(Uri endpoint, string setting)
    {
        if (!endpoint.IsAbsoluteUri)
        {
            throw new ArgumentException($"{setting} must be an absolute URL.");
        }

        if (endpoint.Scheme == Uri.UriSchemeHttps)
        {
            return WithTrailingSlash(endpoint);
        }

        if (endpoint.Scheme == Uri.UriSchemeHttp && IsLoopback(endpoint))
        {
            return WithTrailingSlash(endpoint);
        }

        throw new ArgumentException($"{setting} '{endpoint.GetLeftPart(UriPartial.Authority)}' must use https:// (plain http:// is allowed only to a loopback address).");
    }

    private static bool IsLoopback(Uri endpoint) =>
        endpoint.IsLoopback || (IPAddress.TryParse(endpoint.IdnHost, out var address) && IPAddress.IsLoopback(address));

    private static Uri WithTrailingSlash(Uri endpoint) =>
        endpoint.AbsolutePath.EndsWith('/') ? endpoint : new Uri(endpoint.GetLeftPart(UriPartial.Path) + "/");

    private static bool IsTrue(string? value) => string.Equals(value?.Trim(), "true", StringComparison.OrdinalIgnoreCase);
}
