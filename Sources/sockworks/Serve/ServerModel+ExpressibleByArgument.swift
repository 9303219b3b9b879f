import ArgumentParser
import Servers

/// `--model NAME` takes a model's name as `ServerModel` spells it.
extension ServerModel: ExpressibleByArgument {}
