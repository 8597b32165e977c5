namespace Secrets.Client.Testing;

/// <summary>Settings for an <see cref="AwsIdentityEmulator"/>.</summary>
public sealed class AwsIdentityEmulatorOptions : IdentityEmulatorOptions
{
    /// <summary>Gets or sets the twelve-digit account id roles and principals belong to. Default <c>123456789012</c>.</summary>
    public string AccountId { get; set; } = "123456789012";

    /// <summary>Gets or sets the role attached to the emulated EC2 instance profile (IMDS). Default <c>emulator-instance-role</c>.</summary>
    public string InstanceRoleName { get; set; } = "emulator-instance-role";

    /// <summary>Gets or sets the role of the emulated ECS task or EKS pod identity (container credentials). Default <c>emulator-task-role</c>.</summary>
    public string ContainerRoleName { get; set; } = "emulator-task-role";

    /// <summary>Gets or sets the audience web identity tokens are issued for, as EKS does for IRSA. Default <c>sts.amazonaws.com</c>.</summary>
    public string WebIdentityAudience { get; set; } = "sts.amazonaws.com";
}
