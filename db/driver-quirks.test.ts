import { describe, expect, it } from 'vitest';
import { isClosedSocketWrite } from './driver-quirks';

function errorWith(message: string, stack: string) {
  const error = new TypeError(message);
  error.stack = `TypeError: ${message}\n${stack}`;
  return error;
}

describe('isClosedSocketWrite', () => {
  const frame = '    at Immediate.nextWrite (/app/node_modules/postgres/src/connection.js:255:22)';
  it("recognises postgres.js's stray write after a connection closed", () => {
    expect(
      isClosedSocketWrite(errorWith("Cannot read properties of null (reading 'write')", frame)),
    ).toBe(true);
    // as a test runner hands it over: a plain serialised object
    expect(
      isClosedSocketWrite({
        name: 'TypeError',
        message: "Cannot read properties of null (reading 'write')",
        stack: frame,
      }),
    ).toBe(true);
  });
  it('ignores everything else, including the same message from our own code', () => {
    expect(
      isClosedSocketWrite(
        errorWith(
          "Cannot read properties of null (reading 'write')",
          '    at handler (/app/lib/x.ts:1:1)',
        ),
      ),
    ).toBe(false);
    expect(
      isClosedSocketWrite(errorWith("Cannot read properties of null (reading 'end')", frame)),
    ).toBe(false);
    expect(isClosedSocketWrite(new Error("Cannot read properties of null (reading 'write')"))).toBe(
      false,
    );
    expect(isClosedSocketWrite(null)).toBe(false);
    expect(isClosedSocketWrite('TypeError')).toBe(false);
  });
});
