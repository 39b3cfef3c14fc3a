import RecurKit
