namespace Secrets.Client.Testing;

/// <summary>The secret half of an AWS access key, and the session token temporary credentials must present with it.</summary>
/// <param name="SecretAccessKey">The secret access key signatures are made with.</param>
/// <param name="SessionToken">The session token requests must carry in <c>X-Amz-Security-Token</c>, or <see langword="null"/>.</param>
internal sealed record AwsSigningKey(string SecretAccessKey, string? SessionToken);
