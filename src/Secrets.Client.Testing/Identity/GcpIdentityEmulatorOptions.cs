namespace Secrets.Client.Testing;

/// <summary>Settings for a <see cref="GcpIdentityEmulator"/>.</summary>
public sealed class GcpIdentityEmulatorOptions : IdentityEmulatorOptions
{
    /// <summary>Gets or sets the project id the metadata server reports. Default <c>emulator-project</c>.</summary>
    public string ProjectId { get; set; } = "emulator-project";

    /// <summary>Gets or sets the project number workload identity pools live in. Default <c>314159265358</c>.</summary>
    public string ProjectNumber { get; set; } = "314159265358";

    /// <summary>Gets or sets the e-mail of the instance's default service account, and of the one federated identities impersonate. Default <c>app@emulator-project.iam.gserviceaccount.com</c>.</summary>
    public string ServiceAccountEmail { get; set; } = "app@emulator-project.iam.gserviceaccount.com";

    /// <summary>Gets or sets the workload identity pool id. Default <c>emulator-pool</c>.</summary>
    public string WorkloadIdentityPool { get; set; } = "emulator-pool";

    /// <summary>Gets or sets the workload identity pool provider id. Default <c>emulator-provider</c>.</summary>
    public string WorkloadIdentityProvider { get; set; } = "emulator-provider";
}
