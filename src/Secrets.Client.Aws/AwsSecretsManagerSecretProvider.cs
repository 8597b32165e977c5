using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text.Unicode;
using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.Credentials;
using Amazon.Runtime.Signing;
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
public class AwsSecretsManagerSecretProvider : SecretProvider
{
    /// <summary>The provider name references use: <c>aws-sm</c>.</summary>
    public const string DefaultName = "aws-sm";

    /// <summary>The staging label of the current version.</summary>
    public const string CurrentStage = "AWSCURRENT";

    /// <summary>The staging label of the version before the current one.</summary>
    public const string PreviousStage = "AWSPREVIOUS";

    /// <summary>The staging label of a version being rotated in.</summary>
    public const string PendingStage = "AWSPENDING";

    private const string Service = "secretsmanager";
    private const string AmzJson = "application/x-amz-json-1.1";
    private const int MaxResponseBytes = 16 * 1024 * 1024;
    private const int BatchLimit = 20;

    private readonly AwsSecretsManagerSecretProviderOptions _options = null!;
    private readonly SecretHttpTransport _transport = null!;
    private readonly SecretProviderMetrics _metrics = null!;
    private readonly AWSCredentials? _configuredCredentials;
    private readonly DefaultAWSCredentialsIdentityResolver? _credentialChain;
    private readonly Lazy<(RegionEndpoint Region, Uri ServiceUrl)> _endpoint = null!;
    private readonly Uri? _agentUrl;
    private readonly ILogger _logger = NullLogger.Instance;
    private readonly TimeProvider _time = TimeProvider.System;
    private readonly bool _fixedSigningTime;
    private readonly AwsCallerIdentity _callerIdentity = new();
    private string? _identity;

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
        _time = options.TimeProvider ?? TimeProvider.System;
        _fixedSigningTime = _time != TimeProvider.System;
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

        _configuredCredentials = AwsCredentialFactory.Create(options, Name);
        _credentialChain = _configuredCredentials is null ? new DefaultAWSCredentialsIdentityResolver() : null;
        _metrics = new SecretProviderMetrics(Name, "aws-secrets-manager", meterFactory);
        _transport = new SecretHttpTransport(Name, options.HttpHandler, _time, _metrics);
    }

    /// <summary>
    /// Gets the principal requests are signed as, once known: for temporary credentials from the default chain (web
    /// identity, container credentials, instance metadata) the ARN STS <c>GetCallerIdentity</c> reports (an assumed role),
    /// resolved once per credential and again when they roll; otherwise the access key id. Never the secret key.
    /// </summary>
    public override string? Identity => Volatile.Read(ref _identity);

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
            credentials = await ResolveCredentialsAsync(cancellationToken).ConfigureAwait(false);
            await RememberIdentityAsync(credentials, _endpoint.Value.Region, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is AmazonServiceException or AmazonClientException or InvalidOperationException)
        {
            throw new SecretAccessDeniedException(Name, null, AwsCredentialLink.Explain(credentials, ex), ex);
        }

        return Identity;
    }

    /// <summary>Gets 20, the most secret ids one <c>BatchGetSecretValue</c> call takes.</summary>
    public override int MaxBatchSize => BatchLimit;

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
        CheckReference(reference);
        if (_agentUrl is not null)
        {
            using var agentResponse = await SendToAgentAsync(reference, cancellationToken).ConfigureAwait(false);
            return AwsResponseReader.ReadSecretValue(agentResponse.Body, Name, reference.Path);
        }

        using var response = await SendAsync("GetSecretValue", BuildGetBody(reference), reference.Path, cancellationToken).ConfigureAwait(false);
        return AwsResponseReader.ReadSecretValue(response.Body, Name, reference.Path);
    }

    /// <summary>Describes a secret with <c>DescribeSecret</c>: the version id carrying the reference's stage (<c>AWSCURRENT</c> by default), without the value.</summary>
    /// <param name="reference">The secret.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The metadata; <see cref="SecretProperties.Version"/> changes exactly when the value does.</returns>
    public override async ValueTask<SecretProperties> GetPropertiesAsync(SecretReference reference, CancellationToken cancellationToken = default)
    {
        CheckReference(reference);
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
        var results = new SecretResult?[references.Count];
        var batchable = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        var single = new List<int>();
        for (var i = 0; i < references.Count; i++)
        {
            var reference = references[i];
            CheckReference(reference);
            if (_agentUrl is null && reference.Version is null && (reference.Stage is null || reference.Stage == CurrentStage))
            {
                if (!batchable.TryGetValue(reference.Path, out var indexes))
                {
                    batchable[reference.Path] = indexes = [];
                }

                indexes.Add(i);
            }
            else
            {
                single.Add(i);
            }
        }

        try
        {
            // Start-up loads are latency-bound: a few batch calls in flight at once cut the wall time by that factor.
            var parallel = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, _options.MaxConcurrentRequests), CancellationToken = cancellationToken };
            await Parallel.ForEachAsync(batchable.Keys.Chunk(BatchLimit), parallel, async (chunk, token) =>
                await BatchGetAsync(references, chunk, batchable, results, token).ConfigureAwait(false)).ConfigureAwait(false);

            foreach (var index in single)
            {
                results[index] = await GetOneAsync(references[index], cancellationToken).ConfigureAwait(false);
            }
        }
        catch
        {
            foreach (var result in results)
            {
                result?.Secret?.Dispose();
            }

            throw;
        }

        return results!;
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
        CheckReference(reference);
        string? next = null;
        do
        {
            var body = new PooledBuffer();
            var writer = new AwsJsonWriter(body);
            writer.String("SecretId", reference.Path);
            writer.Number("MaxResults", 100);
            if (includeDeprecated)
            {
                writer.Boolean("IncludeDeprecated", true);
            }

            if (next is not null)
            {
                writer.String("NextToken", next);
            }

            writer.End();
            var page = new List<SecretProperties>();
            using (var response = await SendAsync("ListSecretVersionIds", body, reference.Path, cancellationToken).ConfigureAwait(false))
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
            using var response = await SendAsync("PutSecretValue", BuildWriteBody("SecretId", name, value), name, cancellationToken).ConfigureAwait(false);
            result = AwsResponseReader.ReadWriteResult(response.Body, Name, name);
        }
        catch (SecretNotFoundException ex) when (ex.ErrorCode == "ResourceNotFoundException")
        {
            using var response = await SendAsync("CreateSecret", BuildWriteBody("Name", name, value), name, cancellationToken).ConfigureAwait(false);
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
        CheckReference(reference);
        var body = new PooledBuffer();
        var writer = new AwsJsonWriter(body);
        writer.String("SecretId", reference.Path);
        writer.String("ClientRequestToken", Guid.NewGuid().ToString());
        writer.Boolean("RotateImmediately", true);
        writer.End();
        using var response = await SendAsync("RotateSecret", body, reference.Path, cancellationToken).ConfigureAwait(false);
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
        _credentialChain?.Dispose();
        await base.DisposeAsyncCore().ConfigureAwait(false);
    }

    private static PooledBuffer BuildGetBody(SecretReference reference)
    {
        var body = new PooledBuffer(256);
        var writer = new AwsJsonWriter(body);
        writer.String("SecretId", reference.Path);
        if (reference.Version is not null)
        {
            writer.String("VersionId", reference.Version);
        }

        if (reference.Stage is not null)
        {
            writer.String("VersionStage", reference.Stage);
        }

        writer.End();
        return body;
    }

    private static PooledBuffer BuildWriteBody(string idProperty, string name, SecretValue value)
    {
        var body = new PooledBuffer(value.Length * 2 + 256);
        try
        {
            using var lease = value.Lease();
            var writer = new AwsJsonWriter(body);
            writer.String(idProperty, name);
            writer.String("ClientRequestToken", Guid.NewGuid().ToString());
            if (Utf8.IsValid(lease.Span))
            {
                writer.Utf8String("SecretString", lease.Span);
            }
            else
            {
                writer.Base64("SecretBinary", lease.Span);
            }

            writer.End();
            return body;
        }
        catch
        {
            body.Dispose();
            throw;
        }
    }

    private void CheckReference(SecretReference reference)
    {
        ArgumentNullException.ThrowIfNull(reference);
        if (reference.Provider is not null && reference.Provider != Name)
        {
            throw new InvalidSecretReferenceException(reference.ToString(), $"it names provider '{reference.Provider}', not '{Name}'.", Name);
        }

        if (reference.Path.Length > 2048)
        {
            throw new InvalidSecretReferenceException(reference.ToString(), "an AWS secret id is at most 2048 characters.", Name);
        }
    }

    private async ValueTask<SecretResult> GetOneAsync(SecretReference reference, CancellationToken cancellationToken)
    {
        try
        {
            return SecretResult.Success(reference, await GetSecretAsync(reference, cancellationToken).ConfigureAwait(false));
        }
        catch (SecretStoreException ex)
        {
            return SecretResult.Failure(reference, ex);
        }
    }

    private async ValueTask BatchGetAsync(IReadOnlyList<SecretReference> references, string[] ids, Dictionary<string, List<int>> indexes, SecretResult?[] results, CancellationToken cancellationToken)
    {
        var values = new List<(Secret Secret, string? Arn)>();
        var errors = new List<(string SecretId, string Code, string? Message)>();
        try
        {
            string? next = null;
            do
            {
                var body = new PooledBuffer();
                var writer = new AwsJsonWriter(body);
                writer.StringArray("SecretIdList", ids);
                if (next is not null)
                {
                    writer.String("NextToken", next);
                }

                writer.End();
                using var response = await SendAsync("BatchGetSecretValue", body, secretName: null, cancellationToken).ConfigureAwait(false);
                next = AwsResponseReader.ReadBatch(response.Body, Name, values, errors);
            }
            while (next is not null);
        }
        catch (SecretAccessDeniedException) when (values.Count == 0)
        {
            // Callers allowed GetSecretValue but not BatchGetSecretValue still get their secrets, one call each.
            AwsLog.BatchDenied(_logger, ids.Length);
            foreach (var id in ids)
            {
                foreach (var index in indexes[id])
                {
                    results[index] = await GetOneAsync(references[index], cancellationToken).ConfigureAwait(false);
                }
            }

            return;
        }
        catch (SecretStoreException ex) when (ex is not SecretFormatException)
        {
            foreach (var (secret, _) in values)
            {
                secret.Dispose();
            }

            foreach (var id in ids)
            {
                foreach (var index in indexes[id])
                {
                    results[index] = SecretResult.Failure(references[index], ex);
                }
            }

            return;
        }

        var unclaimed = new HashSet<string>(ids, StringComparer.Ordinal);
        foreach (var (secret, arn) in values)
        {
            var id = ids.FirstOrDefault(i => unclaimed.Contains(i) && Names(i, secret.Name, arn));
            if (id is null)
            {
                secret.Dispose();
                continue;
            }

            unclaimed.Remove(id);
            var first = true;
            foreach (var index in indexes[id])
            {
                // Each result owns its secret, so duplicates of one id get their own copy.
                results[index] = SecretResult.Success(references[index], first ? secret : Copy(secret));
                first = false;
            }
        }

        foreach (var (secretId, code, message) in errors)
        {
            var id = unclaimed.FirstOrDefault(i => i == secretId) ?? unclaimed.FirstOrDefault(i => Names(i, secretId, secretId));
            if (id is null)
            {
                continue;
            }

            unclaimed.Remove(id);
            var error = AwsErrorMapper.Map(Name, id, code, message, HttpStatusCode.BadRequest, retryAfter: null);
            foreach (var index in indexes[id])
            {
                results[index] = SecretResult.Failure(references[index], error);
            }
        }

        foreach (var id in unclaimed)
        {
            foreach (var index in indexes[id])
            {
                results[index] = SecretResult.Failure(references[index], new SecretNotFoundException(Name, id, "BatchGetSecretValue returned neither a value nor an error for it."));
            }
        }
    }

    private static bool Names(string id, string name, string? arn) =>
        id == name || (arn is not null && (id == arn || (id.StartsWith("arn:", StringComparison.Ordinal) && arn.StartsWith(id + "-", StringComparison.Ordinal) && arn.Length == id.Length + 7)));

    private static Secret Copy(Secret secret)
    {
        using var lease = secret.Value.Lease();
        return new Secret(secret.Properties, SecretValue.FromBytes(lease.Span));
    }

    private async IAsyncEnumerable<SecretProperties> ListCoreAsync(AwsSecretFilter[] filters, string? prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string? next = null;
        do
        {
            var body = new PooledBuffer();
            var writer = new AwsJsonWriter(body);
            writer.Number("MaxResults", 100);
            if (filters.Length > 0)
            {
                writer.Filters("Filters", filters);
            }

            if (next is not null)
            {
                writer.String("NextToken", next);
            }

            writer.End();
            var page = new List<AwsSecretDescription>();
            using (var response = await SendAsync("ListSecrets", body, prefix, cancellationToken).ConfigureAwait(false))
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
        var body = new PooledBuffer(256);
        var writer = new AwsJsonWriter(body);
        writer.String("SecretId", secretId);
        writer.End();
        using var response = await SendAsync("DescribeSecret", body, secretId, cancellationToken).ConfigureAwait(false);
        return AwsResponseReader.ReadDescription(response.Body, Name, secretId);
    }

    private async ValueTask<AWSCredentials> ResolveCredentialsAsync(CancellationToken cancellationToken)
    {
        if (_configuredCredentials is { } configured)
        {
            return configured;
        }

        // The chain caches and refreshes credentials itself; asking each time lets rotated credentials roll.
        return await _credentialChain!.ResolveIdentityAsync(null!, cancellationToken).ConfigureAwait(false)
            ?? throw new SecretAccessDeniedException(Name, null, "No AWS credentials were found in the default chain (environment, profile, web identity, ECS, instance metadata).");
    }

    /// <summary>Signs and sends one AWS JSON 1.1 request; takes ownership of <paramref name="body"/> and clears it.</summary>
    private async ValueTask<SecretHttpResponse> SendAsync(string operation, PooledBuffer body, string? secretName, CancellationToken cancellationToken)
    {
        using var requestBody = body;
        using var activity = StartActivity(operation, secretName);
        var started = _time.GetTimestamp();
        var (region, serviceUrl) = _endpoint.Value;
        var target = "secretsmanager." + operation;
        using var request = new HttpRequestMessage(HttpMethod.Post, serviceUrl);
        var content = new ReadOnlyMemoryContent(body.WrittenMemory);
        content.Headers.TryAddWithoutValidation("Content-Type", AmzJson);
        request.Content = content;
        request.Headers.TryAddWithoutValidation("X-Amz-Target", target);

        AWSCredentials? credentials = null;
        try
        {
            // Hash the written bytes ourselves: the pooled array is longer than the body, and handing the signer the
            // body would mean a managed copy of it.
            Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
            SHA256.HashData(body.WrittenSpan, hash);
            var contentHash = Convert.ToHexStringLower(hash);
            var signing = new AWSSigningRequest { HttpMethod = HttpMethod.Post, RequestUri = serviceUrl };
            signing.Headers["Content-Type"] = AmzJson;
            signing.Headers["X-Amz-Target"] = target;
            signing.Headers["X-Amz-Content-SHA256"] = contentHash;
            credentials = await ResolveCredentialsAsync(cancellationToken).ConfigureAwait(false);
            var parameters = new AWSSigV4Parameters
            {
                Credentials = credentials,
                Region = region,
                Service = Service,
                SignedAt = _fixedSigningTime ? _time.GetUtcNow().UtcDateTime : null,
            };
            var signed = await AWSSigV4Signer.SignAsync(signing, parameters, cancellationToken).ConfigureAwait(false);

            // The signer returns only headers it adds (Authorization, X-Amz-Date, X-Amz-Content-SHA256 and the session
            // token), none of which the request carries yet.
            foreach (var header in signed.Headers)
            {
                request.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }

            if (!signed.Headers.ContainsKey("X-Amz-Content-SHA256"))
            {
                request.Headers.TryAddWithoutValidation("X-Amz-Content-SHA256", contentHash);
            }

            await RememberIdentityAsync(credentials, region, cancellationToken).ConfigureAwait(false);
        }
        catch (AmazonServiceException ex)
        {
            var explained = AwsCredentialLink.Explain(credentials, ex);
            throw Record(operation, secretName, started, activity, (int)ex.StatusCode >= 500
                ? new SecretUnavailableException(Name, secretName, explained, ex)
                : new SecretAccessDeniedException(Name, secretName, explained, ex), (int)ex.StatusCode);
        }
        catch (AmazonClientException ex)
        {
            throw Record(operation, secretName, started, activity, new SecretAccessDeniedException(Name, secretName, AwsCredentialLink.Explain(credentials, ex), ex), 0);
        }
        catch (InvalidOperationException ex) when (credentials is not null && _credentialChain is not null)
        {
            // The web identity link reports an unreadable token file this way.
            throw Record(operation, secretName, started, activity, new SecretAccessDeniedException(Name, secretName, AwsCredentialLink.Explain(credentials, ex), ex), 0);
        }

        return await ExchangeAsync(request, operation, secretName, started, activity, cancellationToken).ConfigureAwait(false);
    }

    private Activity? StartActivity(string operation, string? secretName)
    {
        // Without a listener there is no span to name, so skip building its name and tags.
        if (!AwsTelemetry.ActivitySource.HasListeners())
        {
            return null;
        }

        var activity = AwsTelemetry.ActivitySource.StartActivity("SecretsManager." + operation, ActivityKind.Client);
        activity?.SetTag("rpc.system", "aws-api");
        activity?.SetTag("rpc.service", "SecretsManager");
        activity?.SetTag("rpc.method", operation);
        activity?.SetTag("secrets.provider", Name);
        if (secretName is not null)
        {
            activity?.SetTag("secrets.name", secretName);
        }

        return activity;
    }

    private async ValueTask<SecretHttpResponse> SendToAgentAsync(SecretReference reference, CancellationToken cancellationToken)
    {
        using var activity = AwsTelemetry.ActivitySource.StartActivity("SecretsManager.Agent.GetSecretValue", ActivityKind.Client);
        activity?.SetTag("secrets.provider", Name);
        activity?.SetTag("secrets.name", reference.Path);
        var started = _time.GetTimestamp();
        var query = "secretsmanager/get?secretId=" + Uri.EscapeDataString(reference.Path);
        if (reference.Version is not null)
        {
            query += "&versionId=" + Uri.EscapeDataString(reference.Version);
        }

        if (reference.Stage is not null)
        {
            query += "&versionStage=" + Uri.EscapeDataString(reference.Stage);
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_agentUrl!, query));
        var token = _options.AgentToken ?? Environment.GetEnvironmentVariable("AWS_TOKEN") ?? Environment.GetEnvironmentVariable("AWS_SESSION_TOKEN");
        if (!string.IsNullOrEmpty(token))
        {
            request.Headers.TryAddWithoutValidation("X-Aws-Parameters-Secrets-Token", token);
        }

        return await ExchangeAsync(request, "Agent.GetSecretValue", reference.Path, started, activity, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask<SecretHttpResponse> ExchangeAsync(HttpRequestMessage request, string operation, string? secretName, long started, Activity? activity, CancellationToken cancellationToken)
    {
        SecretHttpResponse response;
        try
        {
            response = await _transport.SendAsync(request, operation, secretName, cancellationToken).ConfigureAwait(false);
        }
        catch (SecretStoreException ex)
        {
            AwsLog.TransportFailed(_logger, ex, operation, secretName);
            throw Record(operation, secretName, started, activity, ex, 0);
        }

        var status = (int)response.Status;
        if (response.IsSuccess)
        {
            Record(operation, secretName, started, activity, error: null, status);
            return response;
        }

        using (response)
        {
            var (code, message) = AwsResponseReader.ReadError(response.Body);
            if (response.Headers.TryGetValues("x-amzn-ErrorType", out var types) && AwsErrorMapper.Sanitize(types.FirstOrDefault()) is { Length: > 0 } headerCode)
            {
                code = headerCode;
            }

            var error = AwsErrorMapper.Map(Name, secretName, code, message, response.Status, response.RetryAfter);
            AwsLog.RequestFailed(_logger, operation, secretName, error.ErrorCode, status);
            throw Record(operation, secretName, started, activity, error, status);
        }
    }

    private SecretStoreException Record(string operation, string? secretName, long started, Activity? activity, SecretStoreException? error, int status)
    {
        var elapsed = _transport.Record(operation, started, error);
        if (status != 0)
        {
            activity?.SetTag("http.response.status_code", status);
        }

        if (error is null)
        {
            AwsLog.RequestSucceeded(_logger, operation, secretName, elapsed.TotalMilliseconds);
            return null!;
        }

        activity?.SetStatus(ActivityStatusCode.Error, error.ErrorCode ?? error.GetType().Name);
        activity?.SetTag("error.type", error.ErrorCode ?? error.GetType().Name);
        return error;
    }

    private async ValueTask RememberIdentityAsync(AWSCredentials credentials, RegionEndpoint region, CancellationToken cancellationToken)
    {
        var resolved = await credentials.GetCredentialsAsync().ConfigureAwait(false);
        if (resolved?.AccessKey is not { Length: > 0 } accessKey)
        {
            return;
        }

        var identity = accessKey;
        if (_credentialChain is not null && resolved.UseToken && AwsCredentialLink.IsRefreshing(credentials))
        {
            try
            {
                identity = await _callerIdentity.ResolveAsync(credentials, accessKey, region).WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is AmazonServiceException or AmazonClientException or HttpRequestException)
            {
                var code = ex is AmazonServiceException service ? service.ErrorCode : ex.GetType().Name;
                if (Options.ProductionIdentities.Count > 0)
                {
                    // Scoping needs the principal: an unknown one cannot be shown not to be a production one.
                    throw new SecretAccessDeniedException(Name, null, $"Resolving the caller identity (STS GetCallerIdentity) for credentials from {AwsCredentialLink.Describe(credentials)} failed: {code}. Production-identity scoping needs it.", ex);
                }

                // The principal is for the audit; a failed lookup must not fail the read. Keep the access key id.
                AwsLog.CallerIdentityFailed(_logger, AwsCredentialLink.Describe(credentials), code);
            }
        }

        if (!string.Equals(Volatile.Read(ref _identity), identity, StringComparison.Ordinal))
        {
            Volatile.Write(ref _identity, identity);
        }
    }
}
