using Microsoft.Extensions.Logging;

namespace Switchboard.Dashboard;

public sealed partial class SwitchboardDashboard
{
    private static partial class Log
    {
        [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Dashboard listening on {Url} (token required: {TokenRequired})")]
        public static partial void Listening(ILogger logger, Uri url, bool tokenRequired);

        [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Dashboard control '{Action}' sent to {EntityId}")]
        public static partial void CommandSent(ILogger logger, string? action, string? entityId);

        [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "Dashboard control '{Action}' for {EntityId} failed: {Reason}")]
        public static partial void CommandFailed(ILogger logger, string? action, string? entityId, string reason);
    }
}
