/// Where each region is, as two more features: a CNN's region vectors say *what* is there but
/// (convolution being translation-equivariant) hardly *where*, and relations ("left of") need
/// both. Santoro et al.'s relation networks tag their CNN cells with coordinates the same way.
///
/// Regions `[B, L, D]` on a grid of `height × width` (region r = y·width + x) →
/// `[B, L, D + 2]`, the last two features x and y scaled to [−1, 1] (0 for a grid of one).
public func withCoordinates(_ regions: Variable, grid: (height: Int, width: Int)) -> Variable {
    let (b, l) = (regions.shape[0], regions.shape[1])
    precondition(l == grid.height * grid.width, "withCoordinates: \(l) regions on a \(grid.height)×\(grid.width) grid")
    func scaled(_ i: Int, _ n: Int) -> Float { n > 1 ? 2 * Float(i) / Float(n - 1) - 1 : 0 }
    var coordinates = [Float]()
    coordinates.reserveCapacity(b * l * 2)
    for _ in 0..<b {
        for r in 0..<l { coordinates += [scaled(r % grid.width, grid.width), scaled(r / grid.width, grid.height)] }
    }
    return concat([regions, Variable(Tensor(shape: [b, l, 2], scalars: coordinates))])
}
