using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using Amazon;
using Amazon.Runtime;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Secrets.Client.Transport;

namespace Secrets.Client.Aws;

/// <summary>
/// Reads and writes AWS Secrets Manager secrets (provider name <c>aws-sm</c>; references such as
/// <c>aws-sm://prod/db?stage=AWSPREVIOUS#password</c> or <c>aws-sm://arn:aws:secretsmanager:...?version=ID</c>).
/// </summary>
/// <remarks>
/// <para>Speaks the Secrets Manager protocol (AWS JSON 1.1) over <see cref="HttpClient"/>; the AWS SDK core supplies the
/// credential chain, region resolution and SigV4 signing. Values are parsed from the response bytes straight into
/// <see cref="SecretValue"/> memory and every pooled buffer is cleared.</para>
/// <para>Errors map to <see cref="SecretNotFoundException"/> (also for a secret scheduled for deletion),
/// <see cref="SecretAccessDeniedException"/> (including KMS decryption failures and signature errors) and
/// <see cref="SecretUnavailableException"/> (throttling, 5xx, connection failures). All members are thread-safe.</para>
/// </remarks>
public partial class AwsSecretsManagerSecretProvider : SecretProvider
{
    /// <summary>The provider name references use: <c>aws-sm</c>.</summary>
    public const string DefaultName = "aws-sm";

    /// <summary>The staging label of the current version.</summary>
    public const string CurrentStage = "AWSCURRENT";

    /// <summary>The staging label of the version before the current one.</summary>
    public const string PreviousStage = "AWSPREVIOUS";

    /// <summary>The staging label of a version being rotated in.</summary>
    public const string PendingStage = "AWSPENDING";


    private readonly AwsSecretsManagerSecretProviderOptions _options = null!;
    private readonly SecretHttpTransport _transport = null!;
    private readonly SecretProviderMetrics _metrics = null!;
    private readonly AwsLocationResolver _locations = null!;
    private readonly AwsCredentials _credentials = null!;
    private readonly AwsApiClient _api = null!;
    private readonly AwsBatchFetcher _batch = null!;
    private readonly Lazy<(RegionEndpoint Region, Uri ServiceUrl)> _endpoint = null!;
    private readonly Uri? _agentUrl;
    private readonly ILogger _logger = NullLogger.Instance;

    /// <summary>Initializes a new instance of the <see cref="AwsSecretsManagerSecretProvider"/> class, for mocking.</summary>
    protected AwsSecretsManagerSecretProvider()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="AwsSecretsManagerSecretProvider"/> class.</summary>
    /// <param name="options">The settings; <see cref="SecretProviderOptions.Name"/> defaults to <see cref="DefaultName"/>.</param>
    /// <param name="loggerFactory">Creates the provider's logger; <see langword="null"/> logs nothing.</param>
    /// <param name="meterFactory">Creates the provider's meter; <see langword="null"/> records no metrics.</param>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">A setting is invalid; the message names it.</exception>
    /// <exception cref="ArgumentException">An endpoint is not absolute, or is plain HTTP to a non-loopback host.</exception>
    /// <exception cref="InvalidOperationException">No region is configured anywhere.</exception>
    public AwsSecretsManagerSecretProvider(AwsSecretsManagerSecretProviderOptions options, ILoggerFactory? loggerFactory = null, IMeterFactory? meterFactory = null)
        : base((options ?? throw new ArgumentNullException(nameof(options))).Name ?? DefaultName, options)
    {
        options.Validate(Name);
        _options = options;
        var time = options.TimeProvider ?? TimeProvider.System;
        _logger = loggerFactory?.CreateLogger<AwsSecretsManagerSecretProvider>() ?? NullLogger<AwsSecretsManagerSecretProvider>.Instance;
        if (options.Endpoint is not null)
        {
            AwsEndpointResolver.Validate(options.Endpoint, nameof(options.Endpoint));
        }

        _agentUrl = options.UseAgent ? AwsEndpointResolver.ValidateAgent(options.AgentEndpoint ?? AwsSecretsManagerSecretProviderOptions.DefaultAgentEndpoint) : null;
        _endpoint = new(() =>
        {
            var region = AwsEndpointResolver.ResolveRegion(options);
            return (region, AwsEndpointResolver.ResolveServiceUrl(options, region));
        });
        if (!options.UseAgent)
        {
            // Fail at start-up, not on the first read, when the region or endpoint is misconfigured.
            _ = _endpoint.Value;
        }

        _locations = new AwsLocationResolver(Name);
        _credentials = new AwsCredentials(Name, options, _logger);
        _metrics = new SecretProviderMetrics(Name, "aws-secrets-manager", meterFactory);
        _transport = new SecretHttpTransport(Name, options.HttpHandler, time, _metrics);
        _api = new AwsApiClient(Name, options, _transport, _endpoint, _agentUrl, _credentials, _logger);
        _batch = new AwsBatchFetcher(Name, _locations, _api, _logger, GetSecretAsync);
    }

    /// <summary>
    /// Gets the principal requests are signed as, once known: for temporary credentials from the default chain (web
    /// identity, container credentials, instance metadata) the ARN STS <c>GetCallerIdentity</c> reports (an assumed role),
    /// resolved once per credential and again when they roll; otherwise the access key id. Never the secret key.
    /// </summary>
    public override string? Identity => _credentials?.Identity;

    /// <summary>
    /// Resolves <see cref="Identity"/> without reading a secret: credentials from the chain and, for temporary ones, STS
    /// <c>GetCallerIdentity</c>. A failure names the link of the chain that failed.
    /// </summary>
    /// <param name="cancellationToken">Cancels the resolution.</param>
    /// <returns>The caller ARN or access key id; <see langword="null"/> through the local agent, which signs for us.</returns>
    /// <exception cref="SecretAccessDeniedException">No credentials could be obtained, or the caller could not be resolved.</exception>
    public override async ValueTask<string?> ResolveIdentityAsync(CancellationToken cancellationToken = default)
    {
        if (_agentUrl is not null)
        {
            return null;
        }

        AWSCredentials? credentials = null;
        try
        {
            credentials = await _credentials.ResolveAsync(cancellationToken).ConfigureAwait(false);
            await _credentials.RememberIdentityAsync(credentials, _endpoint.Value.Region, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is AmazonServiceException or AmazonClientException or InvalidOperationException)
        {
            throw new SecretAccessDeniedException(Name, null, AwsCredentialLink.Explain(credentials, ex), ex);
        }

        return Identity;
    }

    /// <summary>Gets 20, the most secret ids one <c>BatchGetSecretValue</c> call takes.</summary>
    public override int MaxBatchSize => AwsBatchFetcher.BatchLimit;

    /// <summary>Gets <see langword="true"/>: <c>ListSecrets</c> is supported.</summary>
    public override bool SupportsListing => true;

    /// <summary>Gets the region requests are signed for.</summary>
    public string Region => _endpoint.Value.Region.SystemName;

    /// <summary>Gets the Secrets Manager endpoint requests go to.</summary>
    public Uri ServiceUrl => _endpoint.Value.ServiceUrl;

    /// <summary>Fetches a secret with <c>GetSecretValue</c> (or through the local agent), by version id or staging label; <c>AWSCURRENT</c> by default.</summary>
    /// <param name="reference">The secret's name or ARN, with an optional <c>version</c> or <c>stage</c>.</param>
    /// <param name="cancellationToken">Cancels the fetch.</param>
    /// <returns>The secret, owned by the caller.</returns>
    public override async ValueTask<Secret> GetSecretAsync(SecretReference reference, CancellationToken cancellationToken = default)
    {
        _locations.Check(reference);
        if (_agentUrl is not null)
        {
            using var agentResponse = await _api.SendToAgentAsync(reference, cancellationToken).ConfigureAwait(false);
            return AwsResponseReader.ReadSecretValue(agentResponse.Body, Name, reference.Path);
        }

        using var response = await _api.SendAsync("GetSecretValue", AwsRequestBodies.GetSecretValue(reference), reference.Path, cancellationToken).ConfigureAwait(false);
        return AwsResponseReader.ReadSecretValue(response.Body, Name, reference.Path);
    }

    /// <summary>Describes a secret with <c>DescribeSecret</c>: the version id carrying the reference's stage (<c>AWSCURRENT</c> by default), without the value.</summary>
    /// <param name="reference">The secret.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The metadata; <see cref="SecretProperties.Version"/> changes exactly when the value does.</returns>
    public override async ValueTask<SecretProperties> GetPropertiesAsync(SecretReference reference, CancellationToken cancellationToken = default)
    {
        _locations.Check(reference);
        var description = await DescribeAsync(reference.Path, cancellationToken).ConfigureAwait(false);
        if (description.DeletedDate is not null)
        {
            throw new SecretNotFoundException(Name, reference.Path, "The secret is scheduled for deletion.") { ErrorCode = "InvalidRequestException" };
        }

        var stage = reference.Stage ?? CurrentStage;
        var version = reference.Version ?? description.VersionWithStage(stage)
            ?? throw new SecretNotFoundException(Name, reference.Path, $"No version carries the staging label {stage}.") { ErrorCode = "ResourceNotFoundException" };
        return description.ToProperties(Name, reference.Path, version);
    }

    /// <summary>
    /// Fetches several secrets with <c>BatchGetSecretValue</c>, 20 ids a call and up to
    /// <see cref="SecretProviderOptions.MaxConcurrentRequests"/> calls at once, following its paging. References
    /// pinned to a version or a stage other than <c>AWSCURRENT</c> are fetched one by one. One result per reference, in order.
    /// </summary>
    /// <param name="references">The secrets.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>One result per reference: the secret (owned by the caller) or that secret's error.</returns>
    public override async ValueTask<IReadOnlyList<SecretResult>> GetSecretsAsync(IReadOnlyList<SecretReference> references, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(references);
        return await _batch.GetSecretsAsync(references, canBatch: _agentUrl is null, _options.MaxConcurrentRequests, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Lists the secrets whose names start with <paramref name="prefix"/> (case-sensitive) with <c>ListSecrets</c>, following its paging.</summary>
    /// <param name="prefix">The name prefix, or <see langword="null"/> for all.</param>
    /// <param name="cancellationToken">Cancels the listing.</param>
    /// <returns>Each secret's metadata, with its <c>AWSCURRENT</c> version id. Secrets scheduled for deletion are left out.</returns>
    public override IAsyncEnumerable<SecretProperties> ListSecretsAsync(string? prefix = null, CancellationToken cancellationToken = default) =>
        ListCoreAsync(string.IsNullOrEmpty(prefix) ? [] : [AwsSecretFilter.NamePrefix(prefix)], prefix, cancellationToken);

    /// <summary>
    /// Lists the secrets matching every filter with <c>ListSecrets</c>, following its paging. Apps call
    /// <see cref="AwsSecretsManagerSecretStoreExtensions.ListSecretsByFilterAsync"/>, which the store scopes and audits.
    /// </summary>
    /// <param name="filters">The filters (AND-ed); none lists all.</param>
    /// <param name="cancellationToken">Cancels the listing.</param>
    /// <returns>Each secret's metadata, with its <c>AWSCURRENT</c> version id. Secrets scheduled for deletion are left out.</returns>
    internal IAsyncEnumerable<SecretProperties> ListSecretsByFilterAsync(IEnumerable<AwsSecretFilter> filters, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filters);
        return ListCoreAsync([.. filters], prefix: null, cancellationToken);
    }

    /// <summary>
    /// Lists a secret's versions with <c>ListSecretVersionIds</c>. Apps call
    /// <see cref="AwsSecretsManagerSecretStoreExtensions.ListSecretVersionsAsync"/>, which the store scopes and audits.
    /// </summary>
    /// <param name="reference">The secret.</param>
    /// <param name="includeDeprecated">Include versions that carry no staging label.</param>
    /// <param name="cancellationToken">Cancels the listing.</param>
    /// <returns>Each version's id, staging labels and creation time.</returns>
    internal async IAsyncEnumerable<SecretProperties> ListSecretVersionsAsync(SecretReference reference, bool includeDeprecated = false, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        _locations.Check(reference);
        string? next = null;
        do
        {
            var page = new List<SecretProperties>();
            using (var response = await _api.SendAsync("ListSecretVersionIds", AwsRequestBodies.ListSecretVersionIds(reference.Path, includeDeprecated, next), reference.Path, cancellationToken).ConfigureAwait(false))
            {
                next = AwsResponseReader.ReadVersionList(response.Body, Name, reference.Path, page);
            }

            foreach (var version in page)
            {
                yield return version;
            }
        }
        while (next is not null);
    }

    /// <summary>
    /// Stores a new version with <c>PutSecretValue</c> staged <c>AWSCURRENT</c> (the old current becomes <c>AWSPREVIOUS</c>),
    /// creating the secret with <c>CreateSecret</c> if it does not exist. Valid UTF-8 is sent as <c>SecretString</c>, anything else as <c>SecretBinary</c>.
    /// </summary>
    /// <param name="name">The secret's name or ARN.</param>
    /// <param name="value">The value; the caller keeps ownership.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The new version's metadata.</returns>
    public override async ValueTask<SecretProperties> SetSecretAsync(string name, SecretValue value, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(value);
        if (value.Length > 65536)
        {
            throw new ArgumentException($"The value for secret '{name}' is {value.Length} bytes; AWS Secrets Manager takes at most 65536.", nameof(value));
        }

        (string? Name, string? VersionId, string[] Stages) result;
        try
        {
            using var response = await _api.SendAsync("PutSecretValue", AwsRequestBodies.WriteSecret("SecretId", name, value), name, cancellationToken).ConfigureAwait(false);
            result = AwsResponseReader.ReadWriteResult(response.Body, Name, name);
        }
        catch (SecretNotFoundException ex) when (ex.ErrorCode == "ResourceNotFoundException")
        {
            using var response = await _api.SendAsync("CreateSecret", AwsRequestBodies.WriteSecret("Name", name, value), name, cancellationToken).ConfigureAwait(false);
            result = AwsResponseReader.ReadWriteResult(response.Body, Name, name);
            result.Stages = [CurrentStage];
        }

        return new SecretProperties(Name, result.Name ?? name) { Version = result.VersionId, Stages = result.Stages };
    }

    /// <summary>Rotates a secret now with <c>RotateSecret</c> (for example after a leak), using its configured rotation.</summary>
    /// <param name="reference">The secret.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The metadata of the version the rotation creates.</returns>
    public override async ValueTask<SecretProperties> RotateSecretAsync(SecretReference reference, CancellationToken cancellationToken = default)
    {
        _locations.Check(reference);
        using var response = await _api.SendAsync("RotateSecret", AwsRequestBodies.RotateSecret(reference.Path), reference.Path, cancellationToken).ConfigureAwait(false);
        var result = AwsResponseReader.ReadWriteResult(response.Body, Name, reference.Path);
        return new SecretProperties(Name, result.Name ?? reference.Path) { Version = result.VersionId, Stages = result.Stages };
    }

    /// <summary>The previous version is the one staged <c>AWSPREVIOUS</c>; the store's rotation window reads it through its cache.</summary>
    /// <param name="reference">The secret.</param>
    /// <param name="current">The current version's metadata (unused: the stage names the previous version).</param>
    /// <param name="cancellationToken">Unused: no call is needed.</param>
    /// <returns>The <c>AWSPREVIOUS</c> reference.</returns>
    public override ValueTask<SecretReference?> GetPreviousVersionReferenceAsync(SecretReference reference, SecretProperties current, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reference);
        return new(new SecretReference(Name, reference.Path, stage: PreviousStage));
    }

    /// <summary>Releases the HTTP client and the credential chain the provider created.</summary>
    /// <returns>A task that completes when done.</returns>
    protected override async ValueTask DisposeAsyncCore()
    {
        _transport?.Dispose();
        _metrics?.Dispose();
        _credentials?.Dispose();
        await base.DisposeAsyncCore().ConfigureAwait(false);
    }

    private async IAsyncEnumerable<SecretProperties> ListCoreAsync(AwsSecretFilter[] filters, string? prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string? next = null;
        do
        {
            var page = new List<AwsSecretDescription>();
            using (var response = await _api.SendAsync("ListSecrets", AwsRequestBodies.ListSecrets(filters, next), prefix, cancellationToken).ConfigureAwait(false))
            {
                next = AwsResponseReader.ReadSecretList(response.Body, Name, prefix, page);
            }

            foreach (var description in page)
            {
                // The service's name filter is a prefix match too; checking again keeps the contract exact.
                if (description.Name is null || description.DeletedDate is not null || (prefix is not null && !description.Name.StartsWith(prefix, StringComparison.Ordinal)))
                {
                    continue;
                }

                yield return description.ToProperties(Name, description.Name, description.VersionWithStage(CurrentStage));
            }
        }
        while (next is not null);
    }

    private async ValueTask<AwsSecretDescription> DescribeAsync(string secretId, CancellationToken cancellationToken)
    {
        using var response = await _api.SendAsync("DescribeSecret", AwsRequestBodies.DescribeSecret(secretId), secretId, cancellationToken).ConfigureAwait(false);
        return AwsResponseReader.ReadDescription(response.Body, Name, secretId);
    }
}
