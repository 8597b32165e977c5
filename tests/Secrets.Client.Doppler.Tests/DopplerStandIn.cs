namespace Secrets.Client.Doppler.Tests;

/// <summary>A copy of the <c>doppler</c> stand-in (StandIn/doppler) in a temporary directory, with the configs it serves.</summary>
internal sealed class DopplerStandIn : IDisposable
{
    public DopplerStandIn()
    {
        Directory = Path.Combine(Path.GetTempPath(), "doppler-standin-" + Guid.NewGuid().ToString("N")[..12]);
        System.IO.Directory.CreateDirectory(Directory);
        Executable = Path.Combine(Directory, "doppler");
        File.Copy(Path.Combine(AppContext.BaseDirectory, "StandIn", "doppler"), Executable);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(Executable, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    public string Directory { get; }

    public string Executable { get; }

    public IReadOnlyList<string> Calls => File.Exists(Path.Combine(Directory, "calls.log")) ? File.ReadAllLines(Path.Combine(Directory, "calls.log")) : [];

    public IReadOnlyList<string> EnvironmentNames => File.Exists(Path.Combine(Directory, "env.log")) ? File.ReadAllLines(Path.Combine(Directory, "env.log")).Distinct().ToList() : [];

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

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private void Switch(string name, bool on)
    {
        var path = Path.Combine(Directory, name);
        if (on)
        {
            File.WriteAllText(path, string.Empty);
        }
        else
        {
            File.Delete(path);
        }
    }
}
