using Switchboard.Reliability;

// reliability [report] [--messages 20000] [--kills 5] [--cuts 5] [--quick] [--no-cluster]
//                                                                              prints the reliability table (the RabbitMQ
//                                                                              cluster rows need Debian's rabbitmq-server)
// reliability --soak MINUTES | --soak-seconds N [--rate 1000] [--fault-seconds 5] [--sample-seconds 60] [--warmup-seconds 60]
//                                                                              steady traffic through faults, resource trends
// reliability publish --url U --client-id C --outbox DIR --count N            the crash scenario's child process
// reliability share-member --url U --client-id C --filter '$share/g/f'       the shared-subscription scenario's child
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
    "share-member" => await ChildShareMember.RunAsync(options),
    "report" when options.ContainsKey("soak") || options.ContainsKey("soak-seconds") => await SoakAsync(options),
    "report" => await Report.RunAsync(options),
    _ => Usage(),
};

static async Task<int> SoakAsync(IReadOnlyDictionary<string, string> options)
{
    var result = await SoakScenario.RunAsync(SoakSettings.From(options), Console.Out, Console.Error);
    Console.WriteLine();
    Console.WriteLine(result.Format());
    return result.Passed ? 0 : 1;
}

static int Usage()
{
    Console.Error.WriteLine("usage: reliability [report] [--messages N] [--kills N] [--cuts N] [--quick] [--no-cluster] | --soak MINUTES | --soak-seconds N | publish --url U --client-id C --outbox DIR --count N");
    return 2;
}
