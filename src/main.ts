import './ui/facelocal-app';
