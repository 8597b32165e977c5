namespace Secrets.Client.Transport;

/// <summary>
/// The HTTP transport every HTTP adapter sends through: redirects are never followed, response bodies are read into
/// cleared pooled buffers, transport failures become <see cref="SecretUnavailableException"/>, <c>Retry-After</c> is
/// parsed, and adapters time each operation on the provider's <see cref="TimeProvider"/> and record it once in
/// <see cref="SecretProviderMetrics"/> (<see cref="Record"/>).
/// There is no <see cref="HttpClient.Timeout"/>: the store's resilience pipeline times each attempt out.
/// </summary>
/// <remarks>Public so that adapters in other packages (including third-party ones) share it; all members are thread-safe.</remarks>
public sealed class SecretHttpTransport : IDisposable
{
    /// <summary>The largest response body read: 16 MiB. Secret payloads are at most a few hundred KiB.</summary>
    public const int MaxResponseBytes = 16 * 1024 * 1024;

    private readonly HttpClient _http;
    private readonly string _provider;
    private readonly TimeProvider _time;
    private readonly SecretProviderMetrics _metrics;

    /// <summary>Initializes a new instance of the <see cref="SecretHttpTransport"/> class.</summary>
    /// <param name="provider">The provider's name, for errors and metrics.</param>
    /// <param name="handler">The caller's handler (<see cref="SecretProviderOptions.HttpHandler"/>), not disposed; <see langword="null"/> makes a pooled one.</param>
    /// <param name="timeProvider">Times requests and reads <c>Retry-After</c> dates.</param>
    /// <param name="metrics">Records each request.</param>
    /// <exception cref="ArgumentException">The handler follows redirects and cannot be told not to.</exception>
    public SecretHttpTransport(string provider, HttpMessageHandler? handler, TimeProvider timeProvider, SecretProviderMetrics metrics)
    {
        ArgumentException.ThrowIfNullOrEmpty(provider);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(metrics);
        _provider = provider;
        _time = timeProvider;
        _metrics = metrics;
        _http = CreateClient(handler);
    }

    /// <summary>Gets the clock requests are timed on.</summary>
    public TimeProvider TimeProvider => _time;

    /// <summary>Gets the metrics requests are recorded in.</summary>
    public SecretProviderMetrics Metrics => _metrics;

    /// <summary>
    /// Creates an <see cref="HttpClient"/> that never follows redirects and has no timeout of its own: over the caller's
    /// handler (not disposed with the client; its primary handler's automatic redirects are turned off), or a new pooled one.
    /// </summary>
    /// <param name="handler">The caller's handler, or <see langword="null"/>.</param>
    /// <returns>The client.</returns>
    /// <exception cref="ArgumentException">The handler follows redirects and was already used, so it cannot be told not to.</exception>
    public static HttpClient CreateClient(HttpMessageHandler? handler)
    {
        if (handler is null)
        {
            return new HttpClient(CreateHandler(), disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
        }

        DisableRedirects(handler);
        return new HttpClient(handler, disposeHandler: false) { Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <summary>
    /// Creates the handler the transport uses when the caller gives none: pooled connections renewed every 5 minutes,
    /// redirects off, and each connection's read buffer cleared at every response-header boundary (so that a secret's
    /// bytes do not stay in it). Adapters that must adjust it (a pinned certificate) start from this one.
    /// </summary>
    /// <returns>A new handler; the caller disposes it.</returns>
    public static SocketsHttpHandler CreateHandler() =>
        new() { AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.FromMinutes(5), PlaintextStreamFilter = ResponseHeaderBoundaryStream.Filter };

    /// <summary>Sends a request and reads the whole response into a cleared pooled buffer. A 3xx answer other than 304 is refused.</summary>
    /// <param name="request">The request; the caller disposes it.</param>
    /// <param name="operation">The operation's name, for metrics and errors.</param>
    /// <param name="secretName">The secret the request is about, if any.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The response, any status but a redirect (304 Not Modified comes back); the caller disposes it and records the operation's outcome with <see cref="Record"/>.</returns>
    /// <exception cref="SecretUnavailableException">The backend could not be reached or the response was cut off.</exception>
    /// <exception cref="SecretStoreException">The backend answered with a redirect, or a body larger than <see cref="MaxResponseBytes"/>.</exception>
    public async ValueTask<SecretHttpResponse> SendAsync(HttpRequestMessage request, string operation, string? secretName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            throw new SecretUnavailableException(_provider, secretName, $"{operation} could not reach the backend ({ex.HttpRequestError}).", ex) { ErrorCode = "ConnectionFailed" };
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new SecretUnavailableException(_provider, secretName, $"{operation} timed out.", ex) { ErrorCode = "Timeout" };
        }

        using (response)
        {
            // 304 Not Modified answers a conditional request (If-None-Match); it redirects nowhere.
            if ((int)response.StatusCode is >= 300 and < 400 && response.StatusCode != System.Net.HttpStatusCode.NotModified)
            {
                throw SecretHttpErrors.RedirectRefused(_provider, secretName, response.StatusCode);
            }

            try
            {
                return await SecretHttpResponse.ReadAsync(response, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException)
            {
                throw new SecretUnavailableException(_provider, secretName, $"The {operation} response was cut off.", ex) { ErrorCode = "ResponseCutOff" };
            }
            catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
            {
                throw new SecretUnavailableException(_provider, secretName, $"{operation} timed out.", ex) { ErrorCode = "Timeout" };
            }
            catch (InvalidDataException ex)
            {
                throw new SecretFormatException(_provider, secretName, $"The {operation} response is larger than {MaxResponseBytes} bytes.", ex) { ErrorCode = "ResponseTooLarge" };
            }
        }
    }

    /// <summary>Records a finished request's outcome, timed from <paramref name="started"/>.</summary>
    /// <param name="operation">The operation.</param>
    /// <param name="started">A timestamp from <see cref="TimeProvider.GetTimestamp"/> on <see cref="TimeProvider"/>.</param>
    /// <param name="error">The error, or <see langword="null"/> on success.</param>
    /// <returns>How long the request took.</returns>
    public TimeSpan Record(string operation, long started, Exception? error)
    {
        var elapsed = _time.GetElapsedTime(started);
        _metrics.Record(operation, error, elapsed);
        return elapsed;
    }

    /// <summary>Disposes the client (not a handler the caller gave).</summary>
    public void Dispose() => _http.Dispose();

    private static void DisableRedirects(HttpMessageHandler handler)
    {
        var primary = handler;
        while (primary is DelegatingHandler { InnerHandler: { } inner })
        {
            primary = inner;
        }

        try
        {
            switch (primary)
            {
                case SocketsHttpHandler { AllowAutoRedirect: true } sockets:
                    sockets.AllowAutoRedirect = false;
                    break;
                case HttpClientHandler { AllowAutoRedirect: true } client:
                    client.AllowAutoRedirect = false;
                    break;
            }
        }
        catch (InvalidOperationException ex)
        {
            throw new ArgumentException("The HTTP handler follows redirects and has already sent requests, so it cannot be told not to; set AllowAutoRedirect = false on it.", nameof(handler), ex);
        }
    }
}
