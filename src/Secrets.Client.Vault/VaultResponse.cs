using System.Buffers;
using System.Net.Http.Headers;
using System.Security.Cryptography;

namespace Secrets.Client.Vault;

/// <summary>
/// A response body read into a pooled buffer that is wiped on dispose, so that a secret's bytes are copied once into
/// secret memory and leave no managed string or stray array behind.
/// </summary>
internal sealed class VaultResponse : IDisposable
{
    private const int MaxBodyBytes = 4 * 1024 * 1024;
    private byte[]? _buffer;
    private int _length;

    private VaultResponse(int status, TimeSpan? retryAfter)
    {
        Status = status;
        RetryAfter = retryAfter;
    }

    public int Status { get; }

    public TimeSpan? RetryAfter { get; }

    public ReadOnlySpan<byte> Body => _buffer.AsSpan(0, _length);

    public static async Task<VaultResponse> ReadAsync(HttpResponseMessage message, CancellationToken cancellationToken)
    {
        var response = new VaultResponse((int)message.StatusCode, ReadRetryAfter(message.Headers));
        try
        {
            var stream = await message.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                var length = message.Content.Headers.ContentLength;
                response._buffer = ArrayPool<byte>.Shared.Rent(length is > 0 and <= MaxBodyBytes ? (int)length.Value : 4096);
                while (true)
                {
                    if (response._length == response._buffer.Length)
                    {
                        if (response._buffer.Length >= MaxBodyBytes)
                        {
                            throw new HttpRequestException($"Vault's response is larger than {MaxBodyBytes} bytes.");
                        }

                        var larger = ArrayPool<byte>.Shared.Rent(response._buffer.Length * 2);
                        response._buffer.AsSpan(0, response._length).CopyTo(larger);
                        Return(response._buffer, response._length);
                        response._buffer = larger;
                    }

                    var read = await stream.ReadAsync(response._buffer.AsMemory(response._length), cancellationToken).ConfigureAwait(false);
                    if (read == 0)
                    {
                        break;
                    }

                    response._length += read;
                }
            }

            return response;
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        var buffer = Interlocked.Exchange(ref _buffer, null);
        if (buffer is not null)
        {
            Return(buffer, _length);
        }
    }

    private static void Return(byte[] buffer, int length)
    {
        CryptographicOperations.ZeroMemory(buffer.AsSpan(0, length));
        ArrayPool<byte>.Shared.Return(buffer);
    }

    private static TimeSpan? ReadRetryAfter(HttpResponseHeaders headers)
    {
        var retryAfter = headers.RetryAfter;
        if (retryAfter?.Delta is { } delta)
        {
            return delta;
        }

        if (retryAfter?.Date is { } date && headers.Date is { } now)
        {
            var wait = date - now;
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }

        return null;
    }
}
