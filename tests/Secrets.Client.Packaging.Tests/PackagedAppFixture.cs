using System.Globalization;
using System.Runtime.InteropServices;

namespace Secrets.Client.Packaging.Tests;

/// <summary>
/// Packs every package of <c>src/</c> (from a copy of the sources, so the outer build is untouched) into a local feed,
/// then creates a fresh <c>dotnet new web</c> app outside the repository that references every library package from
/// that feed, builds it, and publishes it trimmed. The tests read what each step left behind.
/// </summary>
public sealed class PackagedAppFixture : IAsyncLifetime
{
    /// <summary>Packages that are tools or test infrastructure, not libraries an app references.</summary>
    private static readonly string[] NonLibraryPackages = ["Secrets.Client.Testing", "Secrets.Client.Emulator", "Secrets.Client.Cli"];

    private readonly string _root = Path.Combine(Path.GetTempPath(), "secrets-client-packaging-" + Guid.NewGuid().ToString("N")[..8]);

    public string Version { get; } = "0.1.0-packtest." + DateTime.UtcNow.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);

    public string FeedDirectory => Path.Combine(_root, "feed");

    public string AppDirectory => Path.Combine(_root, "app");

    public string BuildOutputDirectory => Path.Combine(AppDirectory, "bin", "Release", "net10.0");

    public string PublishDirectory => Path.Combine(_root, "publish");

    public IReadOnlyList<string> PackageIds { get; private set; } = [];

    public IReadOnlyList<string> LibraryPackageIds => PackageIds.Where(id => !NonLibraryPackages.Contains(id)).ToList();

    public string PublishOutput { get; private set; } = "";

    public async Task InitializeAsync()
    {
        var repository = FindRepositoryRoot();
        var sources = Path.Combine(_root, "sources");
        CopySources(repository, sources);
        PackageIds = Directory.GetFiles(Path.Combine(sources, "src"), "*.csproj", SearchOption.AllDirectories)
            .Select(Path.GetFileNameWithoutExtension)
            .Order(StringComparer.Ordinal)
            .ToList()!;

        await DotNetCli.RunAsync(sources, null, "new", "sln", "--name", "Packages", "--format", "sln");
        await DotNetCli.RunAsync(sources, null, ["sln", "Packages.sln", "add", .. Directory.GetFiles(Path.Combine(sources, "src"), "*.csproj", SearchOption.AllDirectories)]);
        await DotNetCli.RunAsync(sources, null, "pack", "Packages.sln", "--configuration", "Release", "--output", FeedDirectory, "-p:MinVerSkip=true", $"-p:Version={Version}", "-p:ContinuousIntegrationBuild=true");

        await DotNetCli.RunAsync(_root, null, "new", "web", "--output", AppDirectory, "--name", "PackagedApp", "--no-restore");
        await File.WriteAllTextAsync(Path.Combine(AppDirectory, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="local" value="{FeedDirectory}" />
                <add key="nuget.org" value="https://api.nuget.org/v3/index.json" protocolVersion="3" />
              </packageSources>
            </configuration>
            """);
        var project = Path.Combine(AppDirectory, "PackagedApp.csproj");
        var references = string.Join('\n', LibraryPackageIds.Select(id => $"""    <PackageReference Include="{id}" Version="{Version}" />"""));

        // Rooting our assemblies makes the trimmer analyse every member of them, not only what the template app calls.
        var roots = string.Join('\n', LibraryPackageIds.Select(id => $"""    <TrimmerRootAssembly Include="{id}" />"""));
        var text = await File.ReadAllTextAsync(project);
        text = text.Replace("</Project>", $"""
              <ItemGroup>
            {references}
            {roots}
              </ItemGroup>
            </Project>
            """, StringComparison.Ordinal);
        await File.WriteAllTextAsync(project, text);

        await DotNetCli.RunAsync(AppDirectory, null, "build", "--configuration", "Release");
        var runtime = "linux-" + RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant();
        PublishOutput = await DotNetCli.RunAsync(AppDirectory, null, "publish", "--configuration", "Release", "--runtime", runtime, "--self-contained", "true", "-p:PublishTrimmed=true", "-p:TrimmerSingleWarn=false", "--output", PublishDirectory);
    }

    public Task DisposeAsync()
    {
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless; a failed clean-up must not fail the run.
        }

        return Task.CompletedTask;
    }

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Secrets.Client.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("Secrets.Client.sln not found above " + AppContext.BaseDirectory);
    }

    private static void CopySources(string repository, string destination)
    {
        Directory.CreateDirectory(destination);
        foreach (var file in new[] { "Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props", ".editorconfig", "LICENSE", "README.md", "global.json", "NuGet.config" })
        {
            var source = Path.Combine(repository, file);
            if (File.Exists(source))
            {
                File.Copy(source, Path.Combine(destination, file));
            }
        }

        CopyTree(Path.Combine(repository, "src"), Path.Combine(destination, "src"));
    }

    private static void CopyTree(string source, string destination)
    {
        Directory.CreateDirectory(destination);
        foreach (var file in Directory.GetFiles(source))
        {
            File.Copy(file, Path.Combine(destination, Path.GetFileName(file)));
        }

        foreach (var directory in Directory.GetDirectories(source))
        {
            var name = Path.GetFileName(directory);
            if (name is "bin" or "obj")
            {
                continue;
            }

            CopyTree(directory, Path.Combine(destination, name));
        }
    }
}
