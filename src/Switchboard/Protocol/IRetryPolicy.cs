namespace Switchboard;

/// <summary>Decides whether the supervisor tries to reconnect, and after how long. Fatal errors (see
/// <see cref="MqttConnectionException.IsFatal"/>) never reach the policy.</summary>
public interface IRetryPolicy
{
    /// <summary>Returns true and the delay before attempt <paramref name="attempt"/> (1-based, counted since the last
    /// successful connection), or false to give up, which faults the client.</summary>
    bool ShouldRetry(int attempt, Exception? lastError, out TimeSpan delay);
}
