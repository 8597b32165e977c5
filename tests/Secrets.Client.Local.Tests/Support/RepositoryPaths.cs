namespace Secrets.Client.Local.Tests;

internal static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    public static string Corpus => Path.Combine(Root, "tests", "Secrets.Client.Local.Tests", "DotEnvCorpus");

    public static string ExpandCorpus => Path.Combine(Corpus, "expand");

    public static string Judges => Path.Combine(Root, "tests", "judges");

    private static string FindRoot()
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
}
