namespace Secrets.Client.Cli;

/// <summary>
/// The leak response: rotate now, confirm the new version is current, stop the leaked version being served, then ask
/// every reachable audit source who read the secret in the window. Each step is reported; none is silently skipped.
/// </summary>
internal sealed class LeakResponse
{
    private readonly ToolConfiguration _configuration;
    private readonly ToolStore? _tool;
    private readonly CliOutput _output;
    private readonly HttpClient _http;
    private readonly CliContext _context;

    // tool is null for a report alone: no backend is contacted then, only the audit sources.
    public LeakResponse(ToolConfiguration configuration, ToolStore? tool, CliContext context, CliOutput output, HttpClient http)
    {
        _configuration = configuration;
        _tool = tool;
        _context = context;
        _output = output;
        _http = http;
    }

    /// <summary>
    /// Gets or sets the step that makes every running instance serve the new version and confirms it (the push path
    /// of issue #13); when null the step is reported as manual.
    /// </summary>
    public Func<SecretReference, string, CancellationToken, Task<LeakStep>>? ConfirmInstances { get; init; }

    /// <summary>Gets the length of a tool-generated new value (<c>--generate</c>); null asks the backend to rotate.</summary>
    public int? GenerateLength { get; init; }

    public async Task<LeakReport> RunAsync(SecretReference reference, DateTimeOffset since, DateTimeOffset until, bool rotate, CancellationToken cancellationToken)
    {
        var steps = new List<LeakStep>();
        var route = ToolStore.ProvidersOf(_configuration).FirstOrDefault(p => p.Name == reference.Provider);
        var secretOnly = new SecretReference(reference.Provider, reference.Path);
        var leaked = reference.Version;
        string? current = null;
        if (rotate && _tool is not null)
        {
            if (route.Name is null)
            {
                throw new CliUsageException($"The reference names provider '{reference.Provider}', which is not configured.");
            }

            var provider = _tool.Store.Providers.First(p => p.Name == reference.Provider);
            var before = await provider.GetPropertiesAsync(secretOnly, cancellationToken).ConfigureAwait(false);
            leaked ??= before.Version;
            _output.Progress($"leak: rotating {secretOnly} ...");
            var rotated = await SecretGenerator.RotateAsync(_tool.Store, secretOnly, GenerateLength, cancellationToken).ConfigureAwait(false);
            steps.Add(new LeakStep("rotate", "done", $"new version {rotated.Version ?? "-"}"));
            var after = await provider.GetPropertiesAsync(secretOnly, cancellationToken).ConfigureAwait(false);
            current = after.Version;
            steps.Add(after.Version == rotated.Version && after.Version != leaked
                ? new LeakStep("confirm-current", "done", $"current version is {after.Version}")
                : new LeakStep("confirm-current", "failed", $"current version is {after.Version ?? "-"}, expected {rotated.Version ?? "-"}"));
            if (leaked is not null)
            {
                _output.Progress($"leak: stopping version {leaked} being served ...");
                steps.Add(await LeakedVersionRevoker.RevokeAsync(_tool, route.Type, secretOnly, leaked, cancellationToken).ConfigureAwait(false));
            }

            // The store's previous-version window (issue #10) would keep accepting the leaked value: switch it off here.
            steps.Add(await CloseWindowAsync(_tool.Store, secretOnly, cancellationToken).ConfigureAwait(false));
            steps.Add(ConfirmInstances is null
                ? new LeakStep("instances-moved", "manual", "confirm every instance serves the new version (push notifications: issue #13; or restart/refresh them)")
                : await ConfirmInstances(secretOnly, current ?? string.Empty, cancellationToken).ConfigureAwait(false));
        }
        else
        {
            steps.Add(new LeakStep("rotate", "skipped", "--no-rotate"));
        }

        var target = new LeakTarget(reference.Provider!, route.Type ?? string.Empty, reference.Path, since, until)
        {
            KnownVersions = [.. new[] { leaked, current }.OfType<string>().Distinct(StringComparer.Ordinal)],
        };
        var reads = new List<AuditRead>();
        var sources = new List<(string Name, string Status)>();
        foreach (var source in AuditSourceFactory.Create(_configuration, _context, _http))
        {
            _output.Progress($"leak: reading {source.Name} ...");
            try
            {
                var found = await source.ReadAsync(target, cancellationToken).ConfigureAwait(false);
                reads.AddRange(found);
                sources.Add((source.Name, $"{found.Count} read(s)"));
            }
            catch (Exception ex) when (ex is IOException or HttpRequestException or System.Text.Json.JsonException or UnauthorizedAccessException or CliUsageException or InvalidOperationException or Amazon.Runtime.AmazonClientException)
            {
                sources.Add((source.Name, $"unreachable: {ex.GetType().Name}: {ex.Message}"));
            }
        }

        reads.Sort((a, b) => a.Time.CompareTo(b.Time));
        return new LeakReport(secretOnly.ToString(), leaked, current, since, until, steps, sources, reads);
    }

    /// <summary>
    /// Switches the store's previous-version window off for the secret and checks that the window no longer holds the
    /// leaked version. (App instances drop it once the backend stops serving it: the previous-version read finds nothing.)
    /// </summary>
    private static async Task<LeakStep> CloseWindowAsync(SecretStore store, SecretReference reference, CancellationToken cancellationToken)
    {
        const string name = "store-previous-version-window";
        store.SetPreviousVersionAccepted(reference, false);
        var window = await store.GetRotationWindowAsync(reference, cancellationToken).ConfigureAwait(false);
        var previous = window.Previous?.Properties.Version;
        return previous is null
            ? new LeakStep(name, "done", "the store no longer accepts the previous version of this secret")
            : new LeakStep(name, "failed", $"the store's rotation window still holds version {previous}");
    }
}
