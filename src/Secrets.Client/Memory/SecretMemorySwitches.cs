namespace Secrets.Client;

/// <summary>
/// The process-wide switches that choose how secret memory is allocated. Set one as an
/// <see cref="AppContext"/> switch (<c>&lt;RuntimeHostConfigurationOption Include="..." Value="true" /&gt;</c> in the app's
/// project, or <see cref="AppContext.SetSwitch(string, bool)"/> before the first secret is created) or as the environment
/// variable named beside it (<c>1</c> or <c>true</c>). They are read once, when the first secret is created.
/// </summary>
public static class SecretMemorySwitches
{
    /// <summary>
    /// Refuse any secret memory that is not locked in RAM: creating a value throws <see cref="SecretMemoryLockException"/>
    /// instead of falling back to unlocked pages when <c>RLIMIT_MEMLOCK</c> (or Windows' working set) is exhausted.
    /// </summary>
    public const string RequireLockedMemory = "Secrets.Client.Memory.RequireLockedMemory";

    /// <summary>The environment variable twin of <see cref="RequireLockedMemory"/>.</summary>
    public const string RequireLockedMemoryVariable = "SECRETS_CLIENT_REQUIRE_LOCKED_MEMORY";

    /// <summary>
    /// Do not use <c>memfd_secret(2)</c>; use locked anonymous pages instead. The kernel refuses to hibernate while any
    /// <c>memfd_secret</c> memory exists, so turn it off on a laptop that must suspend to disk. The price: the values
    /// can then be read through <c>/proc/&lt;pid&gt;/mem</c> by root or a ptrace-capable process, and .NET's
    /// <c>createdump</c> writes them into crash dumps.
    /// </summary>
    public const string DisableMemfdSecret = "Secrets.Client.Memory.DisableMemfdSecret";

    /// <summary>The environment variable twin of <see cref="DisableMemfdSecret"/>.</summary>
    public const string DisableMemfdSecretVariable = "SECRETS_CLIENT_DISABLE_MEMFD_SECRET";

    internal static bool IsEnabled(string switchName, string variable)
    {
        if (AppContext.TryGetSwitch(switchName, out var enabled))
        {
            return enabled;
        }

        var text = Environment.GetEnvironmentVariable(variable);
        return text is not null && (text == "1" || bool.TryParse(text, out var parsed) && parsed);
    }
}
