/** The studio header that carries a continued take's parent on its submit (the proxy never forwards it to fal). */
export const PARENT_TAKE_HEADER = 'x-takes-parent-take'
