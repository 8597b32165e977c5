namespace Secrets.Client.Doppler;

/// <summary>How <see cref="DopplerSecretProvider"/> reaches Doppler.</summary>
public enum DopplerTransport
{
    /// <summary>The REST API v3 with a service token: a production-capable backend.</summary>
    Api,

    /// <summary>The Doppler CLI (<c>doppler secrets download</c>) with a developer's login: refused in Production unless allowed.</summary>
    Cli,
}
