namespace Secrets.Client.Gcp;

/// <summary>A resolved secret: its project, id, the version asked for and the name references and messages use.</summary>
internal readonly record struct GcpLocation(string Project, string SecretId, string Version, string DisplayName)
{
    public string SecretPath => $"v1/projects/{Uri.EscapeDataString(Project)}/secrets/{SecretId}";

    public string VersionPath => $"{SecretPath}/versions/{Version}";
}
