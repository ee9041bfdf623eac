// lint fixture: a syntax error (a missing closing brace).
export default {
  init: () => [0],
  next(s: number) {
    return s + 1;
  ,
};
