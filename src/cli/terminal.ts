/** Whether to colour: honours NO_COLOR (https://no-color.org) and FORCE_COLOR. The shell's decision. */
export { painter, type Painter } from '../util/paint.js';

export function useColor(stream: NodeJS.WriteStream = process.stdout, env = process.env): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true;
  return Boolean(stream.isTTY) && env.TERM !== 'dumb';
}
