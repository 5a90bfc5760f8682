namespace Switchboard.Cli;

/// <summary>Exit codes scripts can rely on.</summary>
internal static class ExitCodes
{
    public const int Ok = 0;

    /// <summary>Something failed at run time (a timeout, a refused publish, a failed check).</summary>
    public const int Failed = 1;

    /// <summary>The command line or configuration was wrong.</summary>
    public const int Usage = 2;

    /// <summary>The broker could not be reached or refused the connection.</summary>
    public const int Connection = 3;
}
