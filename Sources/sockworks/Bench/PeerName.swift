import ArgumentParser

/// A peer server measured beside the models.
enum PeerName: String, ExpressibleByArgument, CaseIterable {
    case nio, asyncio, none
}
