namespace Switchboard.Cli;

/// <summary>The command line was wrong; printed as one line, exit code 2.</summary>
internal sealed class UsageException(string message) : Exception(message);
