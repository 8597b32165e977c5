using System.Security.Cryptography;
using System.Text;

namespace Secrets.Client.Testing;

/// <summary>
/// One emulated standard queue: messages with a visibility timeout (a received message is hidden until it expires or
/// is deleted, then delivered again with a higher receive count), the latest receipt handle per message, tags and
/// attributes, and a signal that wakes long polls when a message arrives. Guarded by locking the queue.
/// </summary>
internal sealed class SqsQueue
{
    private readonly List<SqsMessage> _messages = [];
    private readonly TimeProvider _time;
    private TaskCompletionSource _arrived = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public SqsQueue(string name, string url, string arn, TimeProvider time)
    {
        Name = name;
        Url = url;
        Arn = arn;
        _time = time;
        Created = time.GetUtcNow();
    }

    public string Name { get; }

    public string Url { get; }

    public string Arn { get; }

    public DateTimeOffset Created { get; }

    public bool Deleted { get; set; }

    public Dictionary<string, string> Tags { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, string> Attributes { get; } = new(StringComparer.Ordinal) { ["VisibilityTimeout"] = "30", ["ReceiveMessageWaitTimeSeconds"] = "0" };

    public int DefaultVisibilitySeconds => int.TryParse(Attributes.GetValueOrDefault("VisibilityTimeout"), out var seconds) ? seconds : 30;

    public int DefaultWaitSeconds => int.TryParse(Attributes.GetValueOrDefault("ReceiveMessageWaitTimeSeconds"), out var seconds) ? seconds : 0;

#pragma warning disable CA5351 // The SQS protocol defines MD5OfBody, and clients check it: not a security use.
    public static string Md5Hex(string body) => Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(body)));
#pragma warning restore CA5351

    public SqsMessage Send(string body, int delaySeconds, string senderId)
    {
        var now = _time.GetUtcNow();
        var message = new SqsMessage(Guid.NewGuid().ToString(), body, Md5Hex(body), now, senderId) { VisibleAt = now.AddSeconds(delaySeconds) };
        TaskCompletionSource arrived;
        lock (this)
        {
            _messages.Add(message);
            arrived = _arrived;
            _arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        arrived.TrySetResult();
        return message;
    }

    /// <summary>Takes up to <paramref name="max"/> visible messages and hides them for <paramref name="visibility"/>; also returns the task that completes at the next arrival.</summary>
    public (List<SqsMessage> Messages, Task Arrival) Receive(int max, TimeSpan visibility)
    {
        var now = _time.GetUtcNow();
        var taken = new List<SqsMessage>();
        lock (this)
        {
            foreach (var message in _messages)
            {
                if (taken.Count == max)
                {
                    break;
                }

                if (message.VisibleAt <= now)
                {
                    message.ReceiptHandle = Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)) + "." + message.MessageId;
                    message.ReceiveCount++;
                    message.FirstReceived ??= now;
                    message.VisibleAt = now + visibility;
                    taken.Add(message);
                }
            }

            return (taken, _arrived.Task);
        }
    }

    public bool Delete(string receiptHandle)
    {
        lock (this)
        {
            return _messages.RemoveAll(message => message.ReceiptHandle == receiptHandle) > 0;
        }
    }

    public bool ChangeVisibility(string receiptHandle, TimeSpan visibility)
    {
        lock (this)
        {
            var message = _messages.Find(m => m.ReceiptHandle == receiptHandle);
            if (message is null)
            {
                return false;
            }

            message.VisibleAt = _time.GetUtcNow() + visibility;
        }

        // A message made visible again must wake long polls too.
        Wake();
        return true;
    }

    public (int Visible, int InFlight) Count()
    {
        var now = _time.GetUtcNow();
        lock (this)
        {
            var visible = _messages.Count(m => m.VisibleAt <= now);
            return (visible, _messages.Count - visible);
        }
    }

    public void Purge()
    {
        lock (this)
        {
            _messages.Clear();
        }
    }

    public void Wake()
    {
        TaskCompletionSource arrived;
        lock (this)
        {
            arrived = _arrived;
            _arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        arrived.TrySetResult();
    }
}

/// <summary>A message in an emulated queue.</summary>
internal sealed class SqsMessage(string messageId, string body, string md5, DateTimeOffset sent, string senderId)
{
    public string MessageId { get; } = messageId;

    public string Body { get; } = body;

    public string Md5OfBody { get; } = md5;

    public DateTimeOffset Sent { get; } = sent;

    public string SenderId { get; } = senderId;

    public DateTimeOffset VisibleAt { get; set; }

    public DateTimeOffset? FirstReceived { get; set; }

    public int ReceiveCount { get; set; }

    public string? ReceiptHandle { get; set; }
}
