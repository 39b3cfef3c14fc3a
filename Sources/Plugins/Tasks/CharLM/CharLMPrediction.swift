import RecurKit

/// `recur predict` on a char-lm: the input is the prime, the output the prime continued.
extension CharLMSession: Predicting {
    public func predict(_ input: String, options: GenerationOptions, rng: inout RandomGenerator) throws -> Prediction {
        try continuation(of: input, options: options, rng: &rng)
    }
}
