// The graph layer's public surface.
export * from './store.js';
export { checkStorable, propertyValuesEqual } from './property-rules.js';
export { float, FloatValue, toPropertyValue, isPropertyMap, propertyTypeName, INT64_MAX, INT64_MIN } from './value.js';
export type { PropertyInput, PropertyMap, PropertyValue } from './value.js';
