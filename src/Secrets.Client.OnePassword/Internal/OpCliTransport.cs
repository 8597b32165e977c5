using Secrets.Client.Local;

namespace Secrets.Client.OnePassword;

/// <summary>
/// Reads items with <c>op item get ITEM --vault VAULT --format json</c> and files with <c>op read op://...</c>, each in
/// one child process whose stdout goes straight into wiped buffers and whose environment holds only what <c>op</c> needs.
/// </summary>
internal sealed class OpCliTransport : IOnePasswordTransport
{
    private const string Tool = "1Password CLI";

    /// <summary>What <c>op</c> needs: a home and config directory, the desktop app integration's session bus and
    /// display (for the unlock prompt), and its own sign-in variables. Never <c>OP_CONNECT_*</c>, which would turn it
    /// into a Connect client.</summary>
    internal static readonly string[] InheritedVariables =
    [
        "PATH", "HOME", "USER", "LOGNAME", "LANG", "LC_ALL", "TMPDIR", "XDG_CONFIG_HOME", "XDG_RUNTIME_DIR",
        "DBUS_SESSION_BUS_ADDRESS", "DISPLAY", "WAYLAND_DISPLAY", "SystemRoot", "USERPROFILE", "APPDATA", "LOCALAPPDATA",
        "OP_SERVICE_ACCOUNT_TOKEN", "OP_ACCOUNT", "OP_SESSION_*", "OP_CONFIG_DIR", "OP_BIOMETRIC_UNLOCK_ENABLED", "OP_CACHE",
    ];

    private readonly OnePasswordSecretProviderOptions _options;
    private readonly string _provider;
    private readonly TimeProvider _timeProvider;

    public OpCliTransport(OnePasswordSecretProviderOptions options, string provider, TimeProvider timeProvider)
    {
        _options = options;
        _provider = provider;
        _timeProvider = timeProvider;
    }

    public async Task<OnePasswordItem> GetItemAsync(OnePasswordPath path, CancellationToken cancellationToken)
    {
        using var result = await RunAsync(["item", "get", path.Item, "--vault", path.Vault, "--format", "json"], path, cancellationToken).ConfigureAwait(false);
        return OnePasswordItem.Parse(result.Output, _provider, path.ToString());
    }

    public async Task<SecretValue> ReadFileAsync(OnePasswordPath path, OnePasswordItem item, OnePasswordFile file, CancellationToken cancellationToken)
    {
        // By ids, so that a renamed item or a file name with unsupported characters still resolves.
        var reference = $"op://{item.VaultId}/{item.Id}/{file.Id}";
        using var result = await RunAsync(["read", "--no-newline", reference], path, cancellationToken).ConfigureAwait(false);
        return SecretValue.FromBytes(result.Output);
    }

    public void Dispose()
    {
    }

    private async Task<CliResult> RunAsync(List<string> arguments, OnePasswordPath path, CancellationToken cancellationToken)
    {
        if (_options.Account is { Length: > 0 } account)
        {
            arguments.AddRange(["--account", account]);
        }

        var environment = CliCommand.Inherit(InheritedVariables);
        foreach (var (name, value) in _options.ProcessEnvironment)
        {
            if (value is null)
            {
                environment.Remove(name);
            }
            else
            {
                environment[name] = value;
            }
        }

        var command = new CliCommand(Tool, _options.ExecutablePath, arguments, environment, _options.CommandTimeout) { TimeProvider = _timeProvider };
        var result = await CliProcess.RunAsync(command, _provider, cancellationToken).ConfigureAwait(false);
        if (result.ExitCode == 0)
        {
            return result;
        }

        using (result)
        {
            throw MapError(result.LastErrorLine, path);
        }
    }

    /// <summary>Turns <c>op</c>'s stderr (<c>[ERROR] 2024/01/01 12:00:00 message</c>) into the SDK's typed errors.</summary>
    private SecretStoreException MapError(string line, OnePasswordPath path)
    {
        var message = StripPrefix(line);
        var name = path.ToString();
        if (Has(message, "not currently signed in") || Has(message, "account is not signed in") || Has(message, "no accounts configured") ||
            Has(message, "session expired") || Has(message, "authorization prompt dismissed") || Has(message, "invalid session token"))
        {
            return new SecretAccessDeniedException(_provider, name, $"The 1Password CLI is not signed in ({message}). Run `op signin` (or turn on the desktop app's CLI integration), or set OP_SERVICE_ACCOUNT_TOKEN for a service account.") { ErrorCode = "NotSignedIn" };
        }

        if (Has(message, "isn't a vault") || Has(message, "isn't an item") || Has(message, "isn't a field") || Has(message, "could not find") || Has(message, "no item found"))
        {
            return new SecretNotFoundException(_provider, name, $"1Password says: {message} Check the reference (names are case-insensitive; use IDs for names with unsupported characters).") { ErrorCode = "NotFound" };
        }

        if (Has(message, "more than one item matches") || Has(message, "invalid secret reference"))
        {
            return new InvalidSecretReferenceException($"op://{name}", $"1Password says: {message} Use the item's or vault's ID instead of its name.", _provider);
        }

        if (Has(message, "forbidden") || Has(message, "permission"))
        {
            return new SecretAccessDeniedException(_provider, name, $"1Password says: {message}") { ErrorCode = "Forbidden" };
        }

        return new SecretUnavailableException(_provider, name, $"The 1Password CLI failed: {message}");
    }

    private static bool Has(string text, string part) => text.Contains(part, StringComparison.OrdinalIgnoreCase);

    private static string StripPrefix(string line)
    {
        // "[ERROR] 2024/05/01 10:11:12 message" -> "message"
        if (!line.StartsWith("[ERROR]", StringComparison.Ordinal))
        {
            return line;
        }

        var rest = line["[ERROR]".Length..].TrimStart();
        var parts = rest.Split(' ', 3);
        return parts.Length == 3 && parts[0].Contains('/', StringComparison.Ordinal) && parts[1].Contains(':', StringComparison.Ordinal) ? parts[2] : rest;
    }
}
