namespace Secrets.Client.Cli;

/// <summary>Runs doctor's checks and drops the allow-listed findings.</summary>
internal sealed class Doctor
{
    private readonly CliContext _context;
    private readonly string _repository;
    private readonly ToolSettings _settings;
    private readonly string? _allowList;
    private readonly bool _offline;
    private readonly CliOutput _output;

    public Doctor(CliContext context, string repository, ToolSettings settings, string? allowList, bool offline, CliOutput output)
    {
        _context = context;
        _repository = repository;
        _settings = settings;
        _allowList = allowList;
        _offline = offline;
        _output = output;
    }

    /// <summary>Gets or sets the checks to run: any of <c>repository</c>, <c>machine</c>, <c>providers</c>.</summary>
    public IReadOnlyCollection<string> Scopes { get; init; } = ["repository", "machine", "providers"];

    public async Task<IReadOnlyList<DoctorFinding>> RunAsync(CancellationToken cancellationToken)
    {
        if (!Directory.Exists(_repository))
        {
            throw new CliUsageException($"'{_repository}' is not a folder.");
        }

        var findings = new List<DoctorFinding>();
        if (Scopes.Contains("repository"))
        {
            _output.Progress($"doctor: checking the repository {_repository} ...");
            findings.AddRange(RepositoryChecks.Run(_repository));
        }

        if (Scopes.Contains("machine"))
        {
            _output.Progress("doctor: checking this machine ...");
            findings.AddRange(MachineChecks.Run(_context));
        }

        if (Scopes.Contains("providers"))
        {
            var configuration = ToolConfiguration.Load(_context, new ToolSettings
            {
                ConfigDirectory = _settings.ConfigDirectory ?? _repository,
                Environment = _settings.Environment,
                Overrides = _settings.Overrides,
                Json = _settings.Json,
            });
            findings.AddRange(ProviderChecks.ProductionReferences(configuration.ConfigDirectory));
            if (!_offline)
            {
                _output.Progress("doctor: reaching the configured providers ...");
                findings.AddRange(await ProviderChecks.ReachAsync(configuration, _output, cancellationToken).ConfigureAwait(false));
            }
        }

        var allow = DoctorAllowList.Load(_allowList is null ? Path.Combine(_repository, DoctorAllowList.DefaultFileName) : _context.ResolvePath(_allowList));
        return [.. findings.Where(finding => !allow.Allows(finding))];
    }
}
