/// Near-miss suggestions ("did you mean …?") by Levenshtein edit distance.
enum EditDistance {
    /// The number of single-character insertions, deletions and substitutions turning `a` into `b`.
    static func between(_ a: String, _ b: String) -> Int {
        let a = Array(a.lowercased()), b = Array(b.lowercased())
        guard !a.isEmpty else { return b.count }
        var previous = Array(0...b.count)
        for (i, charA) in a.enumerated() {
            var current = [i + 1]
            for (j, charB) in b.enumerated() {
                current.append(min(previous[j + 1] + 1, current[j] + 1, previous[j] + (charA == charB ? 0 : 1)))
            }
            previous = current
        }
        return previous[b.count]
    }

    /// The candidate closest to `word`, if it is near enough to be a plausible typo: at most 3 edits and at most
    /// a third of the longer word's length (at least 1), so `filter` suggests `filters` but `lr` suggests nothing.
    static func suggestion(for word: String, among candidates: [String]) -> String? {
        let scored = candidates.map { (candidate: $0, distance: between(word, $0)) }
        guard let best = scored.min(by: { $0.distance < $1.distance }) else { return nil }
        let limit = min(3, max(1, max(word.count, best.candidate.count) / 3))
        return best.distance <= limit ? best.candidate : nil
    }

    /// `; did you mean "x"?` when a suggestion exists, otherwise `; expected one of: "a", "b"`.
    static func hint(for word: String, among candidates: [String]) -> String {
        if let suggestion = suggestion(for: word, among: candidates) {
            return "; did you mean \"\(suggestion)\"?"
        }
        return "; expected one of " + candidates.map { "\"\($0)\"" }.joined(separator: ", ")
    }
}
