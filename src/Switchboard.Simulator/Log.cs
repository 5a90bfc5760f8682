using Microsoft.Extensions.Logging;

namespace Switchboard.Simulator;

internal static partial class Log
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Simulated {DeviceId}/{ObjectId}: {Payload} -> {Summary}")]
    public static partial void CommandApplied(ILogger logger, string deviceId, string objectId, string payload, string summary);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "Simulated {DeviceId}/{ObjectId} does not understand {TopicKey} '{Payload}'")]
    public static partial void CommandNotUnderstood(ILogger logger, string deviceId, string objectId, string topicKey, string payload);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "Simulated {DeviceId}/{ObjectId} dropped '{Payload}' ({Why})")]
    public static partial void CommandDropped(ILogger logger, string deviceId, string objectId, string payload, string why);

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning, Message = "Simulation step failed")]
    public static partial void StepFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 5, Level = LogLevel.Warning, Message = "Delayed state of {DeviceId} could not be published")]
    public static partial void PublishFailed(ILogger logger, string deviceId, Exception exception);

    [LoggerMessage(EventId = 6, Level = LogLevel.Warning, Message = "Stopping the simulated home failed")]
    public static partial void StopFailed(ILogger logger, Exception exception);
}
