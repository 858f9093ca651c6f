// Spike (issue 20): operation "owned": refuses the change when the read before it found a file that is not the
// caller's upload in the chat folder.
module.exports = function (data) {
  if (Array.isArray(data.$last) && data.$last.length > 0) throw new Error('Only its uploader can change or delete this file.');
  return null;
};
