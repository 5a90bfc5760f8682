using Switchboard.Reliability;

// reliability [report] [--messages 20000] [--kills 5] [--cuts 5] [--quick]   prints the reliability table
// reliability publish --url U --client-id C --outbox DIR --count N            the crash scenario's child process
var options = new Dictionary<string, string>(StringComparer.Ordinal);
var mode = args.Length > 0 && !args[0].StartsWith("--", StringComparison.Ordinal) ? args[0] : "report";
for (var i = mode == "report" && (args.Length == 0 || args[0].StartsWith("--", StringComparison.Ordinal)) ? 0 : 1; i < args.Length; i++)
{
    var name = args[i].TrimStart('-');
    options[name] = i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal) ? args[++i] : "true";
}

return mode switch
{
    "publish" => await ChildPublisher.RunAsync(options),
    "report" => await Report.RunAsync(options),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: reliability [report] [--messages N] [--kills N] [--cuts N] [--quick] | publish --url U --client-id C --outbox DIR --count N");
    return 2;
}
