/**
 * jsdom has no canvas: charts get no 2D context and render only their figures table.
 */
Object.defineProperty( HTMLCanvasElement.prototype, 'getContext', { value: () => null } );
