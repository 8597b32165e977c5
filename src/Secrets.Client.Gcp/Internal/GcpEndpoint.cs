namespace Secrets.Client.Gcp;

/// <summary>Works out Secret Manager's base address: the configured one, else an emulator's <c>host:port</c>, else Google's.</summary>
internal static class GcpEndpoint
{
    public static readonly Uri Default = new("https://secretmanager.googleapis.com/");

    public static Uri Resolve(Uri? configured, string? emulatorHost)
    {
        if (configured is not null)
        {
            return WithTrailingSlash(configured);
        }

        if (emulatorHost is null)
        {
            return Default;
        }

        // host:port, as Google's clients read it; plain http, and (since no token is sent) only to loopback.
        if (!Uri.TryCreate("http://" + emulatorHost.Trim() + "/", UriKind.Absolute, out var emulator) || !emulator.IsLoopback)
        {
            throw new ArgumentException($"{GcpSecretManagerSecretProvider.EmulatorHostVariable} must be host:port of a loopback emulator; got '{emulatorHost}'.");
        }

        return emulator;
    }

    /// <summary>Reads <see cref="GcpSecretManagerSecretProvider.EndpointVariable"/>: an absolute https address, or http to loopback.</summary>
    public static Uri? FromVariable(string? text)
    {
        if (text is null)
        {
            return null;
        }

        if (!Uri.TryCreate(text.Trim(), UriKind.Absolute, out var endpoint)
            || !(endpoint.Scheme == Uri.UriSchemeHttps || (endpoint.Scheme == Uri.UriSchemeHttp && endpoint.IsLoopback)))
        {
            // The value is an address, not a secret, but it is still not echoed: the variable is named instead.
            throw new ArgumentException($"{GcpSecretManagerSecretProvider.EndpointVariable} must be an absolute https address (plain http is allowed for loopback emulators only, as every request carries a bearer token).");
        }

        return endpoint;
    }

    private static Uri WithTrailingSlash(Uri endpoint)
    {
        var text = endpoint.ToString();
        return text.EndsWith('/') ? endpoint : new Uri(text + "/");
    }
}
