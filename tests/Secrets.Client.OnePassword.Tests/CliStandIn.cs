namespace Secrets.Client.Tests.Shared;

/// <summary>
/// A copy of a stand-in executable (a shell script under StandIn/ that follows a CLI's documented contract) in its own
/// temporary directory, where it keeps its state and logs each call's arguments and environment variable names.
/// </summary>
internal abstract class CliStandIn : IDisposable
{
    protected CliStandIn(string tool)
    {
        Directory = Path.Combine(Path.GetTempPath(), $"{tool}-standin-" + Guid.NewGuid().ToString("N")[..12]);
        System.IO.Directory.CreateDirectory(Directory);
        Executable = Path.Combine(Directory, tool);
        File.Copy(Path.Combine(AppContext.BaseDirectory, "StandIn", tool), Executable);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(Executable, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    public string Directory { get; }

    public string Executable { get; }

    public IReadOnlyList<string> Calls => File.Exists(Path.Combine(Directory, "calls.log")) ? File.ReadAllLines(Path.Combine(Directory, "calls.log")) : [];

    public IReadOnlyList<string> EnvironmentNames => File.Exists(Path.Combine(Directory, "env.log")) ? File.ReadAllLines(Path.Combine(Directory, "env.log")).Distinct().ToList() : [];

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

    /// <summary>Turns a switch file (for example <c>signed-out</c>) on or off.</summary>
    protected void Switch(string name, bool on)
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
