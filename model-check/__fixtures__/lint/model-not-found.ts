// lint fixture: a model lint cannot see into (a class instance): a `model-not-found` warning.
class Counter {
  init(): number[] {
    return [0];
  }
}

export default new Counter();
