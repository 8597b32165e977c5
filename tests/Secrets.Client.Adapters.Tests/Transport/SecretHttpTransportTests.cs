using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Time.Testing;
using Secrets.Client.Transport;

namespace Secrets.Client.Adapters.Tests.Transport;

public sealed class SecretHttpTransportTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Pooled_buffers_are_cleared_when_they_grow_and_when_disposed()
    {
        var buffer = new PooledBuffer(256);
        var secret = "CANARY-7f3a9c-pooled"u8.ToArray();
        buffer.Write(secret);
        var first = buffer.RentedArray;
        buffer.Write(new byte[first.Length]);
        var grown = buffer.RentedArray;
        var count = buffer.Count;

        Assert.NotSame(first, grown);
        Assert.DoesNotContain(first.Take(secret.Length), b => b != 0);
        buffer.Dispose();
        Assert.DoesNotContain(grown.Take(count), b => b != 0);
        buffer.Dispose();
    }

    [Theory]
    [InlineData(404, typeof(SecretNotFoundException), false)]
    [InlineData(410, typeof(SecretNotFoundException), false)]
    [InlineData(401, typeof(SecretAccessDeniedException), false)]
    [InlineData(403, typeof(SecretAccessDeniedException), false)]
    [InlineData(429, typeof(SecretUnavailableException), true)]
    [InlineData(408, typeof(SecretUnavailableException), true)]
    [InlineData(503, typeof(SecretUnavailableException), true)]
    [InlineData(400, typeof(SecretStoreException), false)]
    public void Status_classification_is_one_table(int status, Type expected, bool transient)
    {
        var error = SecretHttpErrors.FromStatus("p", "s", (HttpStatusCode)status, "Code", "detail", TimeSpan.FromSeconds(3));

        Assert.IsType(expected, error);
        Assert.Equal(transient, error.IsTransient);
        Assert.Equal("Code", error.ErrorCode);
        Assert.Equal(status == 429, (error as SecretUnavailableException)?.IsThrottled ?? false);
    }

    [Fact]
    public void Retry_After_reads_seconds_and_dates_against_the_response_date_or_the_clock()
    {
        using var seconds = new HttpResponseMessage();
        seconds.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(12));
        using var dated = new HttpResponseMessage();
        dated.Headers.Date = Now;
        dated.Headers.RetryAfter = new RetryConditionHeaderValue(Now.AddSeconds(9));
        using var undated = new HttpResponseMessage();
        undated.Headers.RetryAfter = new RetryConditionHeaderValue(Now.AddSeconds(5));
        using var past = new HttpResponseMessage();
        past.Headers.RetryAfter = new RetryConditionHeaderValue(Now.AddSeconds(-5));
        using var none = new HttpResponseMessage();

        Assert.Equal(TimeSpan.FromSeconds(12), SecretHttpResponse.ParseRetryAfter(seconds.Headers, Now));
        Assert.Equal(TimeSpan.FromSeconds(9), SecretHttpResponse.ParseRetryAfter(dated.Headers, Now.AddHours(1)));
        Assert.Equal(TimeSpan.FromSeconds(5), SecretHttpResponse.ParseRetryAfter(undated.Headers, Now));
        Assert.Equal(TimeSpan.Zero, SecretHttpResponse.ParseRetryAfter(past.Headers, Now));
        Assert.Null(SecretHttpResponse.ParseRetryAfter(none.Headers, Now));
    }

    [Fact]
    public async Task Requests_are_timed_on_the_provider_clock_and_recorded_once_under_secrets_provider()
    {
        var time = new FakeTimeProvider(Now);
        using var meterFactory = new TestMeterFactory();
        using var metrics = new SecretProviderMetrics("aws-eu", "aws-secrets-manager", meterFactory);
        using var collector = new Microsoft.Extensions.Diagnostics.Metrics.Testing.MetricCollector<double>(meterFactory, SecretProviderMetrics.MeterName, "secrets.provider.request.duration");
        using var transport = new SecretHttpTransport("aws-eu", new AdvancingHandler(time, TimeSpan.FromMilliseconds(250)), time, metrics);
        using var request = new HttpRequestMessage(HttpMethod.Get, "http://127.0.0.1:1/x");

        var started = time.GetTimestamp();
        using (var response = await transport.SendAsync(request, "GetSecretValue", "prod/db", CancellationToken.None))
        {
            Assert.Equal("{\"ok\":true}", System.Text.Encoding.UTF8.GetString(response.Body));
            transport.Record("GetSecretValue", started, error: null);
        }

        var measurement = Assert.Single(collector.GetMeasurementSnapshot());
        Assert.Equal(0.25, measurement.Value);
        Assert.Equal("aws-eu", measurement.Tags["secrets.provider.name"]);
        Assert.Equal("aws-secrets-manager", measurement.Tags["secrets.provider.system"]);
        Assert.Equal("GetSecretValue", measurement.Tags["secrets.provider.operation"]);
        Assert.Equal("ok", measurement.Tags["secrets.provider.outcome"]);
    }

    [Fact]
    public async Task A_connection_failure_is_transient_and_names_the_operation()
    {
        using var metrics = new SecretProviderMetrics("p", "test", meterFactory: null);
        using var transport = new SecretHttpTransport("p", handler: null, TimeProvider.System, metrics);
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop(); // nothing listens there any more
        using var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{port}/");

        var error = await Assert.ThrowsAsync<SecretUnavailableException>(() => transport.SendAsync(request, "Get", "s", CancellationToken.None).AsTask());

        Assert.Equal("ConnectionFailed", error.ErrorCode);
        Assert.Contains("Get", error.Message, StringComparison.Ordinal);
    }

    private sealed class AdvancingHandler(FakeTimeProvider time, TimeSpan latency) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            time.Advance(latency);
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("{\"ok\":true}") });
        }
    }

    private sealed class TestMeterFactory : System.Diagnostics.Metrics.IMeterFactory
    {
        private readonly List<System.Diagnostics.Metrics.Meter> _meters = [];

        public System.Diagnostics.Metrics.Meter Create(System.Diagnostics.Metrics.MeterOptions options)
        {
            var meter = new System.Diagnostics.Metrics.Meter(options.Name, options.Version, options.Tags, scope: this);
            _meters.Add(meter);
            return meter;
        }

        public void Dispose() => _meters.ForEach(m => m.Dispose());
    }
}
