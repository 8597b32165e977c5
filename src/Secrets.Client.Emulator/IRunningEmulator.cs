namespace Secrets.Client.Emulator;

/// <summary>A started emulator: the environment variables a client needs to reach it.</summary>
internal interface IRunningEmulator : IAsyncDisposable
{
    /// <summary>Gets the variables to print, in order (for example <c>AWS_ENDPOINT_URL</c>).</summary>
    IReadOnlyList<KeyValuePair<string, string>> Environment { get; }
}
