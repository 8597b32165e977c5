using Secrets.Client.Tests.Shared;

namespace Secrets.Client.Doppler.Tests;

/// <summary>A copy of the <c>doppler</c> stand-in (StandIn/doppler) in a temporary directory, with the configs it serves.</summary>
internal sealed class DopplerStandIn : CliStandIn
{
    public DopplerStandIn()
        : base("doppler")
    {
    }

    public bool LoggedOut { set => Switch("logged-out", value); }

    /// <summary>Writes a config's download (a JSON object of strings, as bytes) and makes it the directory's default scope.</summary>
    public void SetConfig(string project, string config, byte[] json)
    {
        System.IO.Directory.CreateDirectory(Path.Combine(Directory, "configs", project));
        File.WriteAllBytes(Path.Combine(Directory, "configs", project, config + ".json"), json);
        File.WriteAllText(Path.Combine(Directory, "default-scope"), $"{project} {config}\n");
    }

    public DopplerSecretProviderOptions Options() => new()
    {
        Transport = DopplerTransport.Cli,
        ExecutablePath = Executable,
        Environment = "Development",
        CommandTimeout = TimeSpan.FromSeconds(20),
        ChangeCheckInterval = TimeSpan.Zero,
    };
}
