namespace Switchboard;

/// <summary>Retries forever with exponential backoff and full jitter between a minimum and a maximum delay.</summary>
public sealed class ExponentialBackoffRetryPolicy : IRetryPolicy
{
    private readonly TimeSpan _min;
    private readonly TimeSpan _max;
    private readonly Func<double> _random;

    /// <summary>Creates the policy.</summary>
    /// <param name="minDelay">Delay scale of the first attempt.</param>
    /// <param name="maxDelay">Cap of every delay.</param>
    /// <param name="random">Source of [0,1) for jitter; injectable so tests are deterministic.</param>
    public ExponentialBackoffRetryPolicy(TimeSpan minDelay, TimeSpan maxDelay, Func<double>? random = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(minDelay, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxDelay, minDelay);
        _min = minDelay;
        _max = maxDelay;
        _random = random ?? Random.Shared.NextDouble;
    }

    /// <inheritdoc/>
    public bool ShouldRetry(int attempt, Exception? lastError, out TimeSpan delay)
    {
        // Exponent capped so 2^n cannot overflow; the cap on the delay makes larger exponents pointless anyway.
        var exponent = Math.Clamp(attempt - 1, 0, 30);
        // A zero minimum must not mean "retry in a tight loop forever": the exponent then grows from 50 ms.
        var scale = Math.Min(_max.TotalMilliseconds, Math.Max(_min.TotalMilliseconds, 50));
        var ceiling = Math.Min(_max.TotalMilliseconds, scale * Math.Pow(2, exponent));
        // Jitter keeps a fleet of clients from reconnecting in lock-step after a broker restart; the floor keeps
        // a client from hammering a broker that is refusing connections.
        var ms = _min.TotalMilliseconds + ((ceiling - _min.TotalMilliseconds) * _random());
        delay = TimeSpan.FromMilliseconds(ms);
        return true;
    }
}
