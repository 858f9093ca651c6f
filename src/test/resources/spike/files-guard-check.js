// Spike (issue 20): operation "check" of a blocking filter flow on files.query, files.create, files.update and
// files.delete, with the trigger option "return": "check.replace". For a query by a caller without admin or app access
// it returns {replace: <the query, limited to the chat folder and to users' avatars>}, which the flow returns and
// Directus then runs instead of the caller's. A value of undefined (every other case) leaves the payload as it was.
// __CHAT_FOLDER__ is replaced by the chat folder's id, __AVATARS__ by true or false.
module.exports = function (data) {
  var who = data.$accountability;
  var trigger = data.$trigger;
  var action = String(trigger.event).split('.').pop();
  if (!who || who.admin === true || who.app === true) return { read: false }; // Directus itself, admins, Data Studio
  var folder = '__CHAT_FOLDER__';
  var user = who.user || null;
  if (action === 'query') {
    var query = trigger.payload || {};
    var allowed = { folder: { _eq: folder } };
    if (__AVATARS__) {
      allowed = { _or: [allowed, { '$FOLLOW(directus_users,avatar)': { _some: { id: { _nnull: true } } } }] };
    }
    var out = {};
    for (var k in query) out[k] = query[k];
    out.filter = query.filter ? { _and: [query.filter, allowed] } : allowed;
    return { read: false, replace: out };
  }
  if (!user) throw new Error('Sign in to change files.');
  var payload = trigger.payload || {};
  if (action === 'create') {
    if (payload.folder !== folder) throw new Error('Files go in the chat folder.');
    return { read: false };
  }
  if (action === 'update') {
    var fixed = ['id', 'folder', 'uploaded_by', 'storage', 'filename_disk'];
    for (var i = 0; i < fixed.length; i++) {
      if (Object.prototype.hasOwnProperty.call(payload, fixed[i])) throw new Error('"' + fixed[i] + '" is not changed.');
    }
  }
  var keys = action === 'delete' ? payload : trigger.keys;
  if (!Array.isArray(keys) || keys.length === 0) return { read: false };
  return {
    read: true,
    collection: 'directus_files',
    query: {
      filter: { _and: [{ id: { _in: keys } }, { _or: [
        { uploaded_by: { _neq: user } }, { uploaded_by: { _null: true } },
        { folder: { _neq: folder } }, { folder: { _null: true } }] }] },
      fields: ['id'],
      limit: 1
    }
  };
};
