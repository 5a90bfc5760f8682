using SharpFuzz;
using Switchboard.Fuzz;

// Usage:
//   Switchboard.Fuzz <wire|envelope|discovery|template>          run under afl-fuzz (bench/fuzz.sh sets it up)
//   Switchboard.Fuzz --replay <wire|envelope|discovery|template> <dir>   every file of <dir> through the target, in-process
if (args is ["--replay", var name, var directory])
{
    return Replay.Run(name, directory);
}

if (args is [var targetName] && FuzzTargets.All.TryGetValue(targetName, out var target))
{
    // afl hands the input on a stream; an exception that escapes the target is a crash to it.
    Fuzzer.OutOfProcess.Run(stream =>
    {
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        target(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
    });
    return 0;
}

Console.Error.WriteLine($"usage: Switchboard.Fuzz <{string.Join('|', FuzzTargets.All.Keys)}>");
Console.Error.WriteLine($"       Switchboard.Fuzz --replay <{string.Join('|', FuzzTargets.All.Keys)}> <dir>");
return 2;
