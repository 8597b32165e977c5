namespace Secrets.Client.Cli;

/// <summary>Doctor's repository checks: <c>.env</c>/<c>.envrc</c> tracked or not ignored, and hard-coded secrets in tracked files.</summary>
internal static class RepositoryChecks
{
    public const string EnvTracked = "env-file-tracked";
    public const string EnvNotIgnored = "env-file-not-ignored";
    public const string EnvNotDockerIgnored = "env-file-not-dockerignored";
    public const string HardCoded = "hardcoded-secret";

    private const long MaxScannedBytes = 1024 * 1024;

    public static IEnumerable<DoctorFinding> Run(string root)
    {
        var git = new GitRepository(root);
        IReadOnlyList<string> files;
        if (git.IsRepository)
        {
            files = git.TrackedFiles();
            foreach (var file in files.Where(IsEnvFile))
            {
                yield return new DoctorFinding(EnvTracked, file, null, $"{Path.GetFileName(file)} is tracked by git, so every clone and the history hold what it contains.",
                    $"git rm --cached {file}; add it to .gitignore; rotate anything it ever held; keep references (aws-sm://...) in a tracked .env.example instead.");
            }

            foreach (var name in new[] { ".env", ".envrc" })
            {
                if (!git.IsIgnored(name))
                {
                    yield return new DoctorFinding(EnvNotIgnored, ".gitignore", null, $"{name} is not ignored by git: a local {name} would be committed by `git add .`.",
                        $"add a line '{name}' (and '.env.*' with '!.env.example') to .gitignore.");
                }
            }
        }
        else
        {
            files = [.. Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
                .Select(path => Path.GetRelativePath(root, path).Replace('\\', '/'))
                .Where(path => !path.StartsWith(".git/", StringComparison.Ordinal) && !path.Contains("/bin/", StringComparison.Ordinal) && !path.Contains("/obj/", StringComparison.Ordinal))];
        }

        var dockerfiles = files.Any(file => Path.GetFileName(file).StartsWith("Dockerfile", StringComparison.Ordinal)) || File.Exists(Path.Combine(root, ".dockerignore"));
        if (dockerfiles)
        {
            var ignore = File.Exists(Path.Combine(root, ".dockerignore")) ? File.ReadAllLines(Path.Combine(root, ".dockerignore")) : [];
            foreach (var name in new[] { ".env", ".envrc" })
            {
                if (!ignore.Select(line => line.Trim()).Any(line => line == name || line == "**/" + name || line == "*" + name || line == "**/*" + name || line == name + "*" || line == "**/" + name + "*"))
                {
                    yield return new DoctorFinding(EnvNotDockerIgnored, ".dockerignore", null, $"{name} is not in .dockerignore: `COPY . .` would bake it into the image.",
                        $"add '**/{name}' to .dockerignore.");
                }
            }
        }

        foreach (var file in files)
        {
            var full = Path.Combine(root, file);
            if (!File.Exists(full) || new FileInfo(full).Length > MaxScannedBytes)
            {
                continue;
            }

            var bytes = File.ReadAllBytes(full);
            if (Array.IndexOf(bytes, (byte)0) >= 0)
            {
                continue; // binary
            }

            foreach (var (line, kind) in SecretScanner.Scan(System.Text.Encoding.UTF8.GetString(bytes), SecretScanner.IsConfigFile(file)))
            {
                yield return new DoctorFinding(HardCoded, file, line, $"{kind} in a tracked file.",
                    "move the value into your secret manager, reference it (aws-sm://name#field), rotate the exposed value, and purge it from history (git filter-repo).");
            }
        }
    }

    private static bool IsEnvFile(string path)
    {
        var name = Path.GetFileName(path);
        if (name == ".envrc" || name == ".env")
        {
            return true;
        }

        return name.StartsWith(".env.", StringComparison.Ordinal)
            && !name.EndsWith(".example", StringComparison.Ordinal) && !name.EndsWith(".sample", StringComparison.Ordinal) && !name.EndsWith(".template", StringComparison.Ordinal);
    }
}
