using Secrets.Client.Tests.Shared;

namespace Secrets.Client.Local.Tests;

internal static class RepositoryPaths
{
    public static string Root => NodeJudgeProcess.RepositoryRoot;

    public static string Corpus => Path.Combine(Root, "tests", "Secrets.Client.Local.Tests", "DotEnvCorpus");

    public static string ExpandCorpus => Path.Combine(Corpus, "expand");

    public static string Judges => NodeJudgeProcess.JudgesDirectory;
}
