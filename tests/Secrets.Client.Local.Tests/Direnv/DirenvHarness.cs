using System.Diagnostics;
using System.Text;
using Secrets.Client.Tests.Shared;

namespace Secrets.Client.Local.Tests.Direnv;

/// <summary>
/// A throw-away direnv world: a temporary HOME with its own XDG data and config directories (so direnv's allow records
/// never touch the real ones), a copy of a corpus directory to load, and the real <c>direnv</c> to run.
/// </summary>
internal sealed class DirenvHarness : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "direnv-tests-" + Guid.NewGuid().ToString("N")[..12]);

    public DirenvHarness()
    {
        Directory.CreateDirectory(Path.Combine(_root, "home", ".local", "share"));
        Directory.CreateDirectory(Path.Combine(_root, "home", ".config"));
        Directory.CreateDirectory(Path.Combine(_root, "work"));
    }

    public static string CorpusRoot => Path.Combine(NodeJudgeProcess.RepositoryRoot, "tests", "Secrets.Client.Local.Tests", "Direnv", "Corpus");

    public static IEnumerable<string> CorpusCases => Directory.GetDirectories(CorpusRoot).Select(Path.GetFileName).Order(StringComparer.Ordinal)!;

    /// <summary>Gets the variables the harness sets for every direnv child (provider's and the judge's alike).</summary>
    public IReadOnlyDictionary<string, string?> Overrides => new Dictionary<string, string?>
    {
        ["HOME"] = Path.Combine(_root, "home"),
        ["XDG_DATA_HOME"] = Path.Combine(_root, "home", ".local", "share"),
        ["XDG_CONFIG_HOME"] = Path.Combine(_root, "home", ".config"),
        ["XDG_CACHE_HOME"] = null,
        ["DIRENV_CONFIG"] = null,
        ["LANG"] = "C.UTF-8",
    };

    /// <summary>Copies a corpus case into the work directory and returns where it is.</summary>
    public string CopyCase(string name)
    {
        var source = Path.Combine(CorpusRoot, name);
        var target = Path.Combine(_root, "work", name);
        foreach (var file in Directory.GetFiles(source, "*", SearchOption.AllDirectories))
        {
            var destination = Path.Combine(target, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination);
        }

        return target;
    }

    public string CreateDirectory(string name, string envrc)
    {
        var directory = Path.Combine(_root, "work", name);
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, ".envrc"), envrc);
        return directory;
    }

    /// <summary>Runs <c>direnv allow</c> for every <c>.envrc</c> under the directory.</summary>
    public async Task AllowAsync(string directory)
    {
        foreach (var envrc in Directory.GetFiles(directory, ".envrc", SearchOption.AllDirectories))
        {
            await RunAsync(Path.GetDirectoryName(envrc)!, "allow", ".");
        }
    }

    public DirenvSecretProviderOptions Options(string directory)
    {
        var options = new DirenvSecretProviderOptions { Directory = directory, Environment = "Development" };
        foreach (var (name, value) in Overrides)
        {
            options.ProcessEnvironment[name] = value;
        }

        return options;
    }

    /// <summary>The environment the provider gives direnv, rebuilt the same way for the judge.</summary>
    public Dictionary<string, string> BaseEnvironment()
    {
        var environment = DirenvSecretProvider.InheritedVariables
            .Select(name => (name, value: System.Environment.GetEnvironmentVariable(name)))
            .Where(pair => pair.value is not null)
            .ToDictionary(pair => pair.name, pair => pair.value!, StringComparer.Ordinal);
        foreach (var (name, value) in Overrides)
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

        return environment;
    }

    /// <summary>
    /// The judge: <c>direnv exec DIR env -0</c> from the base environment, minus every variable the base already had
    /// with the same value, minus direnv's bookkeeping and the keys direnv itself ignores.
    /// </summary>
    public async Task<Dictionary<string, string>> ExecEnvironmentAsync(string directory)
    {
        var output = await RunAsync(_root, "exec", directory, "env", "-0");
        var baseEnvironment = BaseEnvironment();
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in output.Split('\0', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = entry.IndexOf('=', StringComparison.Ordinal);
            var (name, value) = (entry[..equals], entry[(equals + 1)..]);
            if ((baseEnvironment.TryGetValue(name, out var before) && before == value) || IgnoredByDirenv.Contains(name))
            {
                continue;
            }

            result[name] = value;
        }

        return result;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    // direnv's bookkeeping variables and env_diff.go's IgnoredKeys.
    private static readonly HashSet<string> IgnoredByDirenv =
    [
        "DIRENV_DIFF", "DIRENV_DIR", "DIRENV_FILE", "DIRENV_WATCHES", "DIRENV_DUMP_FILE_PATH", "DIRENV_CONFIG", "DIRENV_BASH",
        "DIRENV_DEBUG", "DIRENV_IN_ENVRC", "COMP_WORDBREAKS", "PS1", "OLDPWD", "PWD", "SHELL", "SHELLOPTS", "SHLVL", "_",
    ];

    private async Task<string> RunAsync(string workingDirectory, params string[] arguments)
    {
        var start = new ProcessStartInfo("direnv")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment.Clear();
        foreach (var (name, value) in BaseEnvironment())
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"direnv {string.Join(' ', arguments)} exited with {process.ExitCode}: {await error}");
        }

        return await output;
    }
}
