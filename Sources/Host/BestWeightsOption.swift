import ArgumentParser

/// `--best`: the commands that use a run's weights can take the best evaluation's
/// (`best.safetensors`, kept by `recur run --keep-best`) instead of the latest.
struct BestWeightsOption: ParsableArguments {
    @Flag(help: "Use the weights of the run's best evaluation (best.safetensors, kept by --keep-best or --early-stop) instead of the latest.")
    var best = false
}
