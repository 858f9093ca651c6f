// directus-chat guard flow, operation "owned" (a Run Script): refuses the write when the read before it found a row
// the caller does not own.
module.exports = function (data) {
  if (Array.isArray(data.$last) && data.$last.length > 0) throw new Error('Only its author can change or delete this.');
  return null;
};
