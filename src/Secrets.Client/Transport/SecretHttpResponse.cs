using System.Net;
using System.Net.Http.Headers;

namespace Secrets.Client.Transport;

/// <summary>
/// A provider's HTTP response with its body read into a <see cref="PooledBuffer"/> that is cleared on dispose, so that a
/// secret's bytes are parsed straight into secret memory and leave no managed string or stray array behind.
/// </summary>
public sealed class SecretHttpResponse : IDisposable
{
    private readonly PooledBuffer _body;

    internal SecretHttpResponse(HttpStatusCode status, HttpResponseHeaders headers, PooledBuffer body, TimeSpan? retryAfter)
    {
        Status = status;
        Headers = headers;
        _body = body;
        RetryAfter = retryAfter;
    }

    /// <summary>Gets the status code.</summary>
    public HttpStatusCode Status { get; }

    /// <summary>Gets a value indicating whether the status is 2xx.</summary>
    public bool IsSuccess => (int)Status is >= 200 and < 300;

    /// <summary>Gets the response headers (never secret: values travel in bodies).</summary>
    public HttpResponseHeaders Headers { get; }

    /// <summary>Gets the wait the server asked for with <c>Retry-After</c> (seconds or a date), if any; never negative.</summary>
    public TimeSpan? RetryAfter { get; }

    /// <summary>Gets the body's bytes; valid until the response is disposed.</summary>
    public ReadOnlySpan<byte> Body => _body.WrittenSpan;

    /// <summary>Clears the body and returns its buffer to the pool; idempotent.</summary>
    public void Dispose() => _body.Dispose();

    /// <summary>
    /// Reads a response's status, headers and whole body (into a cleared pooled buffer) without keeping the message, for
    /// <see cref="SecretHttpTransport"/> and for tests of an adapter's error mapping.
    /// </summary>
    /// <param name="response">The response; the caller disposes it.</param>
    /// <param name="timeProvider">The clock <c>Retry-After</c> dates are measured against when the response has no <c>Date</c>.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The response, which the caller disposes.</returns>
    /// <exception cref="InvalidDataException">The body is larger than <see cref="SecretHttpTransport.MaxResponseBytes"/>.</exception>
    public static async ValueTask<SecretHttpResponse> ReadAsync(HttpResponseMessage response, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(response);
        ArgumentNullException.ThrowIfNull(timeProvider);

        // With a Content-Length the buffer is sized once (plus room to see the end of the stream); otherwise it grows.
        var expected = response.Content.Headers.ContentLength is long length and > 0 and < SecretHttpTransport.MaxResponseBytes ? (int)length : 0;
        var buffer = new PooledBuffer(expected > 0 ? expected + 1 : 4096);
        try
        {
            var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                while (true)
                {
                    var read = await stream.ReadAsync(buffer.GetMemory(expected > 0 ? 1 : 4096), cancellationToken).ConfigureAwait(false);
                    if (read == 0)
                    {
                        break;
                    }

                    buffer.Advance(read);
                    if (buffer.Count > SecretHttpTransport.MaxResponseBytes)
                    {
                        throw new InvalidDataException($"The response is larger than {SecretHttpTransport.MaxResponseBytes} bytes.");
                    }
                }
            }
        }
        catch
        {
            buffer.Dispose();
            throw;
        }

        return new SecretHttpResponse(response.StatusCode, response.Headers, buffer, ParseRetryAfter(response.Headers, timeProvider.GetUtcNow()));
    }

    /// <summary>Reads <c>Retry-After</c> as a delay (seconds) or a date, against the response's <c>Date</c> or the clock.</summary>
    /// <param name="headers">The response headers.</param>
    /// <param name="now">The current time, used when the response has no <c>Date</c>.</param>
    /// <returns>The wait, at least zero; <see langword="null"/> when the header is absent.</returns>
    public static TimeSpan? ParseRetryAfter(HttpResponseHeaders headers, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(headers);
        var retryAfter = headers.RetryAfter;
        var wait = retryAfter?.Delta ?? (retryAfter?.Date is { } date ? date - (headers.Date ?? now) : null);
        return wait is { } value ? (value > TimeSpan.Zero ? value : TimeSpan.Zero) : null;
    }
}
