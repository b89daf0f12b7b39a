// Nothing imports this file: a traced image leaves it out.
export const unused = true;
